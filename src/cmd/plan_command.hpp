#pragma once
// `mindme plan`: replays a traffic trace through one or more fleets (policy file +
// capacity model) and reports their size over time, alarms, time over the SLO and
// monthly cost (src/scale/capacity_plan.hpp, docs/scaling.md).
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mindme::cmd {

struct PlanOptions {
    std::vector<std::string> policies;
    std::string trace;
    std::string prices;
    std::string format = "text";
    std::string out = "-";
    double slo_seconds = 2.0;
    double requests_per_user = 0;  // 0: each fleet's Capacity setting (default 0.3)
};

void define_plan(CLI::App& cli, PlanOptions& options, std::string& command);
int run_plan(const PlanOptions& options);

}  // namespace mindme::cmd
