#include "cmd/plan_command.hpp"

#include <filesystem>

#include "cmd/command_output.hpp"
#include "core/text.hpp"
#include "scale/plan_report.hpp"

namespace mindme::cmd {

extern const char* const kBuiltinPrices;

void define_plan(CLI::App& cli, PlanOptions& o, std::string& command) {
    auto* plan = cli.add_subcommand(
        "plan",
        "replay a traffic trace through fleets (policy file + capacity model) and report "
        "their size over time, alarms, time over the SLO and monthly cost (docs/scaling.md)");
    plan->add_option("--policy", o.policies,
                     "a policy file with Capacity (and Services); repeat to compare fleets")
        ->required();
    plan->add_option("--trace", o.trace, "CSV t_seconds (or minute), users or requests_per_minute")
        ->required();
    plan->add_option("--prices", o.prices,
                     "a price table (prices/*.yaml); default: the built-in, dated "
                     "prices/aws-us-east-1.yaml");
    plan->add_option("--format", o.format, "text, csv or html")
        ->check(CLI::IsMember({"text", "csv", "html"}))
        ->capture_default_str();
    plan->add_option("--out", o.out, "the file to write; - for standard output")
        ->capture_default_str();
    plan->add_option("--slo-seconds", o.slo_seconds,
                     "response time above which a period counts as over the SLO")
        ->check(CLI::Range(0.001, 3600.0))
        ->capture_default_str();
    plan->add_option("--requests-per-user", o.requests_per_user,
                     "requests per user per minute for a users trace (default: each fleet's "
                     "Capacity setting, else 0.3: the reference scenario's rate)")
        ->check(CLI::Range(0.0, 1e6));
    plan->callback([&command] { command = "plan"; });
}

int run_plan(const PlanOptions& o) {
    return run_reporting_errors("plan", [&] {
        auto prices = o.prices.empty()
                          ? scale::parse_price_table(kBuiltinPrices, "prices/aws-us-east-1.yaml")
                          : scale::parse_price_table(core::read_text_file(o.prices), o.prices);
        auto traffic = scale::parse_traffic(core::read_text_file(o.trace), o.trace);
        std::vector<scale::FleetPlan> plans;
        for (const auto& path : o.policies) {
            auto dir = std::filesystem::path(path).parent_path().string();
            auto fleet =
                scale::parse_fleet(core::read_text_file(path), path, dir.empty() ? "." : dir);
            if (o.requests_per_user > 0)
                fleet.capacity.requests_per_user_minute = o.requests_per_user;
            auto result = scale::run_plan(fleet, traffic, o.slo_seconds);
            auto cost = scale::monthly_cost(fleet, result, prices);
            plans.push_back({std::move(fleet), std::move(result), cost});
        }
        std::string report = o.format == "csv"    ? scale::plan_csv(plans)
                             : o.format == "html" ? scale::plan_html(plans, prices)
                                                  : scale::plan_text(plans, prices);
        write_output(report, o.out);
        return 0;
    });
}

}  // namespace mindme::cmd
