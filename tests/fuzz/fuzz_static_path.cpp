// Static hosting with hostile paths: whatever the request path, a file served is
// inside the root (checked on the descriptor itself), never the secret beside it.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/errors.hpp"
#include "fuzz_check.hpp"
#include "http/static_site.hpp"

namespace {

namespace fs = std::filesystem;

struct Site {
    fs::path base;
    fs::path root;
    std::optional<mindme::http::StaticSite> site;
    Site() {
        base = fs::temp_directory_path() / ("mindme-fuzz-static-" + std::to_string(getpid()));
        root = base / "web";
        fs::create_directories(root / "assets");
        std::ofstream(root / "index.html") << "app";
        std::ofstream(root / "assets" / "a.js") << "js";
        std::ofstream(base / "secret.txt") << "secret";
        fs::create_symlink(base / "secret.txt", root / "link.txt");
        fs::create_symlink("../secret.txt", root / "rel.txt");
        site.emplace(root.string());
        root = fs::canonical(root);
    }
    ~Site() { fs::remove_all(base); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Site s;
    std::string path = "/" + std::string(reinterpret_cast<const char*>(data), size);
    mindme::http::Request req;
    req.method = "GET";
    req.path = path;
    try {
        auto res = s.site->serve(req);
        if (res.file) {
            char link[4096];
            auto proc = "/proc/self/fd/" + std::to_string(res.file->file->fd());
            auto n = readlink(proc.c_str(), link, sizeof link - 1);
            FUZZ_CHECK(n > 0);
            std::string target(link, static_cast<std::size_t>(n));
            FUZZ_CHECK(target.rfind(s.root.string() + "/", 0) == 0);
        }
    } catch (const mindme::core::ApiError&) {
    }
    return 0;
}
