#include "cmd/fleet_command.hpp"

#include <unistd.h>

#include <filesystem>

#include "cmd/command_output.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "fleet/fleet.hpp"
#include "fleet/haproxy_runtime.hpp"

namespace mindme::cmd {

void define_fleet(CLI::App& cli, FleetCommandOptions& o, std::string& command) {
    auto* fleet = cli.add_subcommand(
        "fleet",
        "run `mindme serve` processes behind HAProxy (and `mindme worker` processes), "
        "replace unhealthy ones and scale both on live metrics (docs/scaling.md)");
    fleet->fallthrough();  // --data, --config, --set: for every process
    fleet->add_option("--policy", o.policy, "the serve group's policy file")->required();
    fleet->add_option("--worker-policy", o.worker_policy,
                      "the workers' policy file (Target Queue Depth: KEDA's rules); without it, "
                      "no worker runs");
    fleet
        ->add_option("--haproxy-socket", o.haproxy_socket,
                     "HAProxy's admin socket (stats socket ... level admin)")
        ->required();
    fleet->add_option("--backend", o.backend, "the HAProxy backend of the serve processes")
        ->capture_default_str();
    fleet->add_option("--host", o.host, "the address the processes listen on")
        ->capture_default_str();
    fleet
        ->add_option("--check-seconds", o.check_seconds,
                     "HAProxy's health check interval for each serve process")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    fleet->add_option("--rise", o.rise, "passing checks before HAProxy sends traffic")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    fleet->add_option("--fall", o.fall, "failing checks before HAProxy stops sending traffic")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    fleet
        ->add_option("--tick-ms", o.tick_ms,
                     "how often the fleet checks its processes' health and starts or stops "
                     "processes")
        ->check(CLI::Range(std::int64_t{50}, std::int64_t{60'000}))
        ->capture_default_str();
    fleet->callback([&command] { command = "fleet"; });
}

int run_fleet(const FleetCommandOptions& o, const std::vector<std::string>& child_args,
              const std::string& metrics_token, const std::string& targets_file,
              const sigset_t& stop_signals) {
    core::log::init("info", false);
    int code = run_reporting_errors("fleet", [&] {
        fleet::FleetOptions options;
        options.executable = std::filesystem::read_symlink("/proc/self/exe").string();
        options.child_args = child_args;
        options.host = o.host;
        options.metrics_token = metrics_token;
        options.targets_file = targets_file;
        options.serve_policy = scale::parse_policy_file(core::read_text_file(o.policy), o.policy);
        if (!o.worker_policy.empty())
            options.worker_policy =
                scale::parse_policy_file(core::read_text_file(o.worker_policy), o.worker_policy);
        options.tick = std::chrono::milliseconds(o.tick_ms);
        fleet::validate(options);  // the policies, before anything is started
        fleet::HaproxyOptions haproxy;
        haproxy.socket = o.haproxy_socket;
        haproxy.backend = o.backend;
        haproxy.check_interval =
            std::chrono::milliseconds(static_cast<std::int64_t>(o.check_seconds * 1000));
        haproxy.rise = o.rise;
        haproxy.fall = o.fall;
        fleet::HaproxyRuntime balancer(haproxy);
        // Reachable before any process starts: a wrong socket is an input error.
        try {
            balancer.command("show info");
        } catch (const std::runtime_error& e) {
            throw std::invalid_argument(e.what());
        }
        fleet::Fleet fleet(options, balancer);
        return fleet.run(stop_signals);
    });
    core::log::shutdown();
    return code;
}

}  // namespace mindme::cmd
