#include "cmd/scale_command.hpp"

#include "cmd/command_output.hpp"
#include "core/text.hpp"
#include "scale/exporters.hpp"
#include "scale/k8s_simulation.hpp"
#include "scale/policy_file.hpp"
#include "scale/simulation.hpp"

namespace mindme::cmd {

void define_scale(CLI::App& cli, ScaleOptions& o, std::string& command) {
    auto* scale = cli.add_subcommand("scale", "the auto scaling engine (docs/scaling.md)");
    scale->require_subcommand(1);
    auto* simulate = scale->add_subcommand(
        "simulate",
        "replay a metric trace through a group and its policies and alarms (AWS parameters "
        "in JSON or YAML, or a policy file), a Kubernetes HPA or a KEDA ScaledObject, and "
        "write one CSV row per evaluation");
    simulate->add_option("--group", o.group,
                         "create-auto-scaling-group parameters (not with a policy file)");
    simulate->add_option("--policy", o.policies,
                         "put-scaling-policy parameters (repeatable), or one MindMe policy "
                         "file, which holds the group too");
    simulate->add_option("--alarm", o.alarms, "put-metric-alarm parameters (repeatable)");
    simulate->add_option("--hpa", o.hpa, "an autoscaling/v2 HorizontalPodAutoscaler manifest");
    simulate->add_option("--keda", o.keda, "a KEDA ScaledObject manifest (a rabbitmq trigger)");
    simulate
        ->add_option("--initial-replicas", o.initial_replicas,
                     "--hpa/--keda: the pods at the start (default: the minimum, KEDA at least 1)")
        ->check(CLI::Range(1, 100000));
    simulate->add_option("--sync-seconds", o.sync_seconds, "--hpa: the controller's sync period")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{3600}))
        ->capture_default_str();
    simulate->add_option("--trace", o.trace, "CSV t_seconds,metric,value")->required();
    simulate->add_option("--out", o.out, "the CSV to write; - for standard output")->required();
    simulate
        ->add_option("--launch-seconds", o.launch_seconds,
                     "how long a launched instance takes to be InService, or a pod to be ready "
                     "(default: the policy file's Launch Time, else 0)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{86400}));
    simulate
        ->add_option("--scale-out-cooldown", o.scale_out_cooldown,
                     "Application Auto Scaling's scale-out cooldown in seconds (with "
                     "--scale-in-cooldown; without them, EC2's rules)")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{86400}));
    simulate
        ->add_option("--scale-in-cooldown", o.scale_in_cooldown,
                     "Application Auto Scaling's scale-in cooldown in seconds")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{86400}));
    simulate
        ->add_option("--activity-latency", o.activity_latency,
                     "with cooldowns: seconds from a scaling decision to the start of its "
                     "cooldown")
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{3600}))
        ->capture_default_str();
    simulate->callback([&command] { command = "scale-simulate"; });

    auto* exporter = scale->add_subcommand(
        "export",
        "write a policy file's policies for AWS (CLI parameters as JSON), Terraform or "
        "Kubernetes (an HPA, or a KEDA ScaledObject when it tracks queue depth)");
    exporter->add_option("--policy", o.export_policy, "a MindMe policy file")->required();
    exporter->add_option("--format", o.export_format, "aws, terraform or kubernetes")
        ->required()
        ->check(CLI::IsMember({"aws", "terraform", "kubernetes"}));
    exporter->add_option("--name", o.export_name, "the group, service or deployment name")
        ->capture_default_str();
    exporter->add_option("--queue", o.export_queue, "KEDA: the RabbitMQ queue to watch")
        ->capture_default_str();
    exporter->add_option("--out", o.out, "the file to write; - for standard output")
        ->capture_default_str();
    exporter->callback([&command] { command = "scale-export"; });
}

int run_scale_export(const ScaleOptions& o) {
    return run_reporting_errors("scale export", [&] {
        auto policy =
            scale::parse_policy_file(core::read_text_file(o.export_policy), o.export_policy);
        scale::ExportOptions options{o.export_name, o.export_queue};
        write_output(o.export_format == "aws"         ? scale::export_aws(policy, options)
                     : o.export_format == "terraform" ? scale::export_terraform(policy, options)
                                                      : scale::export_kubernetes(policy, options),
                     o.out.empty() ? "-" : o.out);
        return 0;
    });
}

namespace {

std::string simulate_kubernetes(const ScaleOptions& o) {
    if (!o.hpa.empty() && !o.keda.empty()) throw std::invalid_argument("--hpa or --keda, not both");
    if (!o.group.empty() || !o.policies.empty() || !o.alarms.empty())
        throw std::invalid_argument(
            "--hpa and --keda replace --group, --policy and --alarm; give one kind");
    scale::PodOptions pods{o.initial_replicas, o.launch_seconds.value_or(0), o.sync_seconds};
    auto trace = scale::parse_trace(core::read_text_file(o.trace), o.trace);
    if (!o.hpa.empty())
        return scale::simulate_hpa(scale::parse_hpa(core::read_text_file(o.hpa), o.hpa), trace,
                                   pods);
    return scale::simulate_keda(scale::parse_keda(core::read_text_file(o.keda), o.keda), trace,
                                pods);
}

}  // namespace

int run_scale_simulate(const ScaleOptions& o) {
    return run_reporting_errors("scale simulate", [&] {
        if (!o.hpa.empty() || !o.keda.empty()) {
            write_output(simulate_kubernetes(o), o.out);
            return 0;
        }
        scale::Simulation sim;
        std::optional<std::string> policy_file;
        std::vector<scale::AwsPolicy> aws_policies;
        for (const auto& p : o.policies) {
            auto text = core::read_text_file(p);
            if (!scale::looks_like_policy_file(text)) {
                aws_policies.push_back(scale::parse_aws_policy(text, p));
                continue;
            }
            if (policy_file)
                throw std::invalid_argument("one policy file at a time: " + *policy_file + " and " +
                                            p);
            policy_file = p;
            sim = scale::to_simulation(scale::parse_policy_file(text, p));
        }
        if (policy_file && !o.group.empty())
            throw std::invalid_argument("--group and the policy file " + *policy_file +
                                        " both describe the group; give one");
        if (!policy_file) {
            if (o.group.empty())
                throw std::invalid_argument("--group is required without a policy file");
            sim.group = scale::parse_aws_group(core::read_text_file(o.group), o.group);
        }
        if (o.launch_seconds) sim.group.launch_seconds = *o.launch_seconds;
        for (auto& p : aws_policies) sim.policies.push_back(std::move(p));
        for (const auto& a : o.alarms)
            sim.alarms.push_back(scale::parse_aws_alarm(core::read_text_file(a), a));
        if (o.scale_out_cooldown || o.scale_in_cooldown)
            sim.cooldowns = scale::Cooldowns{o.scale_out_cooldown.value_or(300),
                                             o.scale_in_cooldown.value_or(300), o.activity_latency};
        else if (sim.cooldowns)
            sim.cooldowns->activity_latency_seconds = o.activity_latency;
        auto csv = scale::simulate(sim, scale::parse_trace(core::read_text_file(o.trace), o.trace));
        write_output(csv, o.out);
        return 0;
    });
}

}  // namespace mindme::cmd
