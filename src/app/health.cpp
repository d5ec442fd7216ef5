#include "app/health.hpp"

#include <unistd.h>

#include "core/json.hpp"

namespace mindme::app {

void HealthChecks::add(std::string name, Check check, bool required) {
    entries_.push_back({std::move(name), std::move(check), required});
}

boost::asio::awaitable<HealthChecks::Report> HealthChecks::run(
    const core::Lifecycle& lifecycle) const {
    bool healthy = !lifecycle.draining();
    std::string checks;
    for (const auto& e : entries_) {
        std::string problem;
        try {
            problem = co_await e.check();
        } catch (const std::exception& ex) {
            problem = ex.what();
        }
        if (!problem.empty() && e.required) healthy = false;
        if (!checks.empty()) checks += ',';
        core::append_json_string(checks, e.name);
        checks += ':';
        core::append_json_string(checks, problem.empty() ? "ok" : problem);
    }
    std::string json = R"({"status":)";
    json += healthy ? R"("ok")" : R"("unavailable")";
    if (lifecycle.draining()) json += R"(,"draining":true)";
    json += R"(,"checks":{)" + checks + "}}";
    co_return Report{healthy, json};
}

HealthChecks::Check writable_directory_check(std::string dir) {
    return [dir = std::move(dir)]() -> boost::asio::awaitable<std::string> {
        // access(2) on a local directory is a quick metadata lookup: fine on the loop.
        if (::access(dir.c_str(), W_OK | X_OK) != 0) co_return "cannot write to " + dir;
        co_return std::string();
    };
}

}  // namespace mindme::app
