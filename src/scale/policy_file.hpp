#pragma once
// A MindMe policy file: one YAML document describing a group, its target tracking
// policies, its alarm-driven triggers and its monitoring alarms, in the words the seeds
// use, so that the seed's own settings load as written (docs/scaling.md, "Policy
// files"):
//
//   Min Size: 25
//   Max Size: 100
//   Desired Capacity: 50
//   Target CPU Utilization: 70%
//   Target Requests per Instance: 1,000/minute
//   Scale Out Cooldown: 300 seconds
//   Scale In Cooldown: 600 seconds
//   Auto Scaling Triggers:
//     Scale Out: CPU > 70% for 2 consecutive periods
//     Emergency Scale Out: Request Count > 75,000/minute, add 25%
//   CloudWatch Metrics:
//     - CPU Utilization > 80%
//
// Keys ignore case, spaces, hyphens and underscores (`min_size` is `Min Size`); unknown
// keys are refused. Errors (std::invalid_argument) name the file and the key.
#include <optional>
#include <string>
#include <vector>

#include "scale/condition.hpp"
#include "scale/group.hpp"
#include "scale/simulation.hpp"
#include "scale/target_tracking.hpp"

namespace mindme::scale {

struct PolicyTarget {
    Metric metric = Metric::kCpu;  // CPU, memory, requests per instance or queue depth
    double value = 0;              // per instance for requests and queue depth
};

struct PolicyTrigger {
    std::string name;
    Condition when;  // with its action: given, or ±10 % by the comparison's direction
};

struct PolicyAlarm {
    std::string name;  // given, or "<metric id>_high" / "<metric id>_low"
    Condition when;    // no action: monitoring alarms notify only
};

struct PolicyFile {
    std::string name;
    std::string instance_type;
    GroupSpec group;  // launch latency and warm-up included
    std::vector<PolicyTarget> targets;
    std::optional<Cooldowns> cooldowns;  // given: Application Auto Scaling's rules
    std::int64_t period_seconds = 60;    // of every alarm and target metric
    std::vector<PolicyTrigger> triggers;
    std::vector<PolicyAlarm> alarms;
};

PolicyFile parse_policy_file(const std::string& text, const std::string& origin);

// Whether a YAML document is a policy file rather than AWS parameters (which have
// PolicyName, MinSize written so, AlarmName...).
bool looks_like_policy_file(const std::string& text);

// The same policy in the engine's AWS terms: a target tracking policy per target
// (metric rows named by metric_info's trace names), a simple scaling policy and its
// alarm per trigger (cooldown: the scale-out or scale-in cooldown by direction, else
// the group's default), and an alarm without actions per monitoring alarm.
Simulation to_simulation(const PolicyFile& policy);

// "cpu_target", "requests_per_instance_target", ...: the name of a target's policy.
std::string target_policy_name(const PolicyTarget& target);

}  // namespace mindme::scale
