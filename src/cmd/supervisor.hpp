#pragma once
// `mindme serve --processes N`: N serve processes sharing one port (SO_REUSEPORT, the
// kernel spreads connections), forked before any thread exists, restarted when one
// dies, all stopped together on SIGTERM/SIGINT.
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <string>

namespace mindme::cmd {

struct SupervisorOptions {
    std::size_t processes = 2;
    std::string host;
    std::uint16_t port = 0;  // 0: a free port, chosen here and shared by every process
    std::chrono::seconds stop_timeout{40};  // then SIGKILL
};

// Reserves the port (when 0) and calls prepare(port) once, then forks the processes,
// each running serve(port) and exiting with its result. Returns the exit code.
int run_supervised(const SupervisorOptions& options,
                   const std::function<void(std::uint16_t port)>& prepare,
                   const std::function<int(std::uint16_t port)>& serve,
                   const sigset_t& stop_signals);

}  // namespace mindme::cmd
