#pragma once
// Runs a scenario: virtual users (closed model) or arrivals (open model) spread over
// event-loop threads ("lanes"), and, with several processes, over the lanes of all of
// them. Loopback targets only unless allow_remote.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/scenario.hpp"
#include "loadgen/stats.hpp"

namespace mindme::loadgen {

struct Account {
    std::string email;
    std::string token;
};
// `mindme seed --tokens` output: one "email<TAB>token" per line. Throws
// std::invalid_argument naming the line of a malformed one.
std::vector<Account> read_accounts(const std::string& path);

// What a running load test has done so far (for a live progress line).
struct Progress {
    std::chrono::milliseconds elapsed{0};
    std::chrono::milliseconds duration{0};
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    std::uint64_t users = 0;
    std::uint64_t connections = 0;
};

struct LoadOptions {
    std::size_t threads = 1;
    // Open model: the most users (connections) serving arrivals; they are added as
    // arrivals find none free.
    std::size_t pool = 1000;
    std::chrono::milliseconds timeout{10'000};  // per request
    double connect_rate = 0;                    // new connections per second; 0: unpaced
    std::string source;                         // "127.1.0.0/16": explicit source pairs
    bool allow_remote = false;
    std::vector<Account> accounts;  // user n gets accounts[n % size]
    std::uint64_t seed = 1;
    // This process's lanes among all: lanes [first_lane, first_lane + threads) of
    // total_lanes (0: threads, one process).
    std::size_t first_lane = 0;
    std::size_t total_lanes = 0;
    // Called about once a second from the calling thread while the test runs.
    std::function<void(const Progress&)> on_progress;
};

// Throws std::invalid_argument for a bad target, a non-loopback target without
// allow_remote, a bad source range, or a scenario that needs accounts without them.
void validate_load(const Scenario& scenario, const LoadOptions& options);

// Runs the scenario to its end and returns what every lane measured; throws as
// validate_load does.
RunResult run_load(const Scenario& scenario, const LoadOptions& options);

}  // namespace mindme::loadgen
