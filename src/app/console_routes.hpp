#pragma once
// The operations console's server half (docs/web.md, "The console"): a sign-in that turns
// console.token into a cookie, the processes it watches (console.targets, or a file that
// `mindme fleet` keeps current), each one's /metrics text relayed as it is (the figures
// come from /metrics and nowhere else), and the load-test and plan reports it finds.
// The page itself is the web build's console/ folder. Off when console.token is unset.
#include <memory>
#include <string>
#include <vector>

#include "core/config_fwd.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"

namespace mindme::upstream {
class HttpClient;
}

namespace mindme::app {

void declare_console_config(core::ConfigSchema& schema);

class Console {
public:
    // Whether the configuration turns the console on, and whether it watches other
    // processes (and so needs an outbound HTTP client).
    static bool enabled(const core::Config& config);
    static bool watches_others(const core::Config& config);

    // `client` may be null when watches_others() is false.
    Console(const core::Config& config, metrics::Registry& registry, upstream::HttpClient* client);
    ~Console();
    Console(const Console&) = delete;
    Console& operator=(const Console&) = delete;

    void add_routes(http::Router& router);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::app
