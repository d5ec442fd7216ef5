#pragma once
// `mindme fleet`: a local supervisor of `mindme serve` and `mindme worker` processes
// (docs/scaling.md, "mindme fleet"). Serve processes join the load balancer once their
// /health answers and are drained before they stop; a process that exits, or fails its
// /health checks, is replaced. Both groups scale with the engine on their live metrics:
// serve with its policy file (target tracking, triggers, cooldowns) on CPU, requests
// per instance and the rest; workers with KEDA's rules on the queue's depth.
#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "fleet/load_balancer.hpp"
#include "scale/policy_file.hpp"

namespace mindme::fleet {

struct FleetOptions {
    std::string executable;               // the mindme binary the processes run
    std::vector<std::string> child_args;  // --data, --config, --set: given to every process
    std::string host = "127.0.0.1";
    std::string metrics_token;  // the processes' metrics.token, for reading their /metrics
    // Where the current processes are listed for the operations console ("name URL" a
    // line, the processes' console.targets_file); empty: nowhere.
    std::string targets_file;
    scale::PolicyFile serve_policy;
    // Workers: a policy file with Target Queue Depth (KEDA's rules), Min Size ≥ 1 (a
    // worker reports the queue's depth). Without it the fleet runs no worker.
    std::optional<scale::PolicyFile> worker_policy;
    std::chrono::milliseconds tick{1000};             // health checks, reaping, starting, stopping
    int unhealthy_after = 3;                          // failed /health checks in a row
    std::chrono::milliseconds start_timeout{30'000};  // to answer /health once
    std::chrono::milliseconds stop_timeout{30'000};   // after SIGTERM, then SIGKILL
};

// Throws std::invalid_argument for a worker policy the fleet cannot follow.
void validate(const FleetOptions& options);

class Fleet {
public:
    Fleet(FleetOptions options, LoadBalancer& balancer);
    ~Fleet();
    Fleet(const Fleet&) = delete;
    Fleet& operator=(const Fleet&) = delete;

    // Runs until one of `stop_signals` arrives, then drains and stops every process.
    // Returns the exit code.
    int run(const sigset_t& stop_signals);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::fleet
