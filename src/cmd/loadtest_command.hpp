#pragma once
// `mindme loadtest`: the command line of the load generator (src/loadgen).
#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace mindme::cmd {

struct LoadtestOptions {
    std::string scenario;
    std::string url;
    std::string tokens;
    std::size_t users = 0;
    double rate = 0;
    std::size_t connections = 0;  // 0: as many as users (closed), 1,000 (open)
    std::size_t threads = 1;
    std::size_t processes = 1;
    std::string duration = "10s";
    std::string ramp = "0s";
    std::string ramp_down = "0s";
    std::string timeout = "10s";
    double connect_rate = 0;
    std::string source;
    std::string json;
    std::string html;
    bool allow_remote = false;
    std::vector<std::string> thresholds;
    unsigned long long seed = 1;
};

void define_loadtest(CLI::App& cli, LoadtestOptions& options, std::string& command);
int run_loadtest(const LoadtestOptions& options);

}  // namespace mindme::cmd
