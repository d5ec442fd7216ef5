#pragma once
#include <CLI/CLI.hpp>
#include <csignal>
#include <string>
#include <vector>

#include "cmd/fleet_command.hpp"
#include "cmd/loadtest_command.hpp"
#include "cmd/plan_command.hpp"
#include "cmd/scale_command.hpp"

namespace mindme::cmd {

struct Options {
    std::string command =
        "all";  // all | serve | worker | files | version | migrate | reindex | config-docs | ...
    std::string config_file;
    std::string listen;
    std::string data_dir;
    std::vector<std::string> sets;
    int processes = 0;  // serve --processes; 0: server.processes
    std::size_t seed_users = 0;
    std::string seed_tokens;
    std::string seed_password = "load test password";
    std::string seed_prefix = "user";
    LoadtestOptions loadtest;
    ScaleOptions scale;
    PlanOptions plan;
    FleetCommandOptions fleet;
};

void define_cli(CLI::App& cli, Options& options);
// The internal `mindme process-file ARGS...`: the sandbox process of file processing
// (files/processor.hpp), not a user command.
int run_process_file(const std::vector<std::string>& args);
// Runs the chosen command; returns the process exit code.
int run(const Options& options, const sigset_t& stop_signals);

}  // namespace mindme::cmd
