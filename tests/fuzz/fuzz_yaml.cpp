// The YAML the tools read from operators: the configuration file, load-test scenarios,
// scaling policy files, HPA and KEDA manifests. The first byte picks the reader; any
// input ends in a value or in an exception that names what is wrong, never in a crash.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "loadgen/scenario.hpp"
#include "scale/k8s_input.hpp"
#include "scale/policy_file.hpp"

namespace {

// The configuration reads a file: one per process, rewritten for each input.
const std::string& config_path() {
    static const std::string path = [] {
        std::string p = "/tmp/mindme-fuzz-config-XXXXXX";
        int fd = ::mkstemp(p.data());
        if (fd >= 0) ::close(fd);
        return p;
    }();
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mindme;
    if (size == 0) return 0;
    std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 5) {
            case 0: {
                // A key of every type and kind of rule the real schema has: the loader
                // (YAML, nesting, types, ranges, validators) is what is read here.
                static const core::ConfigSchema schema = [] {
                    core::ConfigSchema s;
                    s.add_string("server.listen", "127.0.0.1:8080", "address",
                                 [](const core::ConfigValue& v) -> std::optional<std::string> {
                                     if (std::get<std::string>(v).find(':') == std::string::npos)
                                         return "expected HOST:PORT";
                                     return std::nullopt;
                                 });
                    s.add_int("server.threads", 0, 0, 256, "threads");
                    s.add_int("quota.user_bytes", 5, 0, 1ll << 50, "bytes");
                    s.add_bool("auth.cache_sessions", true, "cache");
                    s.add_list("http.cors_origins", {}, "origins");
                    return s;
                }();
                std::ofstream(config_path(), std::ios::trunc) << text;
                core::ConfigSources sources;
                sources.file = config_path();
                (void)core::load_config(schema, sources);
                break;
            }
            case 1:
                (void)loadgen::parse_scenario(text, "fuzz.yaml", "/nonexistent");
                break;
            case 2:
                (void)scale::parse_policy_file(text, "fuzz.json");
                break;
            case 3:
                (void)scale::parse_hpa(text, "fuzz.yaml");
                break;
            default:
                (void)scale::parse_keda(text, "fuzz.yaml");
                break;
        }
    } catch (const std::exception&) {
    }
    return 0;
}
