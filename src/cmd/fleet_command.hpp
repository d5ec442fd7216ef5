#pragma once
// `mindme fleet`: serve and worker processes supervised and scaled on live metrics, the
// serve processes behind HAProxy (src/fleet, docs/scaling.md).
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdint>
#include <string>
#include <vector>

namespace mindme::cmd {

struct FleetCommandOptions {
    std::string policy;
    std::string worker_policy;
    std::string haproxy_socket;
    std::string backend = "serve";
    std::string host = "127.0.0.1";
    double check_seconds = 30;  // the seed's ALB health check
    int rise = 2;
    int fall = 5;
    std::int64_t tick_ms = 1000;
};

void define_fleet(CLI::App& cli, FleetCommandOptions& options, std::string& command);
// `child_args`: what every process gets (--data, --config, --set as given to the fleet).
int run_fleet(const FleetCommandOptions& options, const std::vector<std::string>& child_args,
              const std::string& metrics_token, const std::string& targets_file,
              const sigset_t& stop_signals);

}  // namespace mindme::cmd
