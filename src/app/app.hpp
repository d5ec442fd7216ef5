#pragma once
// The MindMe application as one object: which routes a process serves (by role),
// behind the guard, plus the health checks they report. cmd builds one per process.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/config_fwd.hpp"
#include "core/lifecycle.hpp"
#include "http/message.hpp"
#include "metrics/fwd.hpp"

namespace mindme::app {

// all: API + worker + file processor in one process; serve: the API; worker and
// files: background runners that expose only the operations routes.
enum class Role { kAll, kServe, kWorker, kFiles };
std::string role_name(Role role);

// data.dir and every component key, in one schema.
void declare_config(core::ConfigSchema& schema);

class App {
public:
    // Creates data.dir if needed; throws std::runtime_error with a clear message
    // when the configuration cannot be served (bad static dir, unwritable data dir).
    App(const core::Config& config, Role role, metrics::Registry& registry,
        core::Lifecycle& lifecycle);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // The handler for the server: guard, then router. Valid while the App lives.
    http::Handler handler();
    // The routes whose request bodies stream (uploads) and their limits, for the
    // server (ServerOptions::streamed_body_limit).
    std::function<std::optional<std::uint64_t>(std::string_view, std::string_view)>
    streamed_body_limit();
    // Background job runners of the role (worker, files): started once the server
    // listens, stopped when it drains — running jobs get `grace` to finish, jobs
    // leased and not started go back to the queue.
    void start_background();
    void stop_background(std::chrono::milliseconds grace);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::app
