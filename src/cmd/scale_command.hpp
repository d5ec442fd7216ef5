#pragma once
// `mindme scale simulate`: replays a metric trace through a group and its AWS policies and
// alarms (src/scale, docs/scaling.md).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mindme::cmd {

struct ScaleOptions {
    std::string group;
    std::vector<std::string> policies;
    std::vector<std::string> alarms;
    std::string trace;
    std::string out;
    std::optional<std::int64_t> launch_seconds;
    std::optional<std::int64_t> scale_out_cooldown;
    std::optional<std::int64_t> scale_in_cooldown;
    std::int64_t activity_latency = 0;
    std::string hpa;
    std::string keda;
    int initial_replicas = 0;
    std::int64_t sync_seconds = 15;
    std::string export_policy;
    std::string export_format;
    std::string export_name = "mindme";
    std::string export_queue = "mindme.memory.changed";
};

void define_scale(CLI::App& cli, ScaleOptions& options, std::string& command);
int run_scale_simulate(const ScaleOptions& options);
int run_scale_export(const ScaleOptions& options);

}  // namespace mindme::cmd
