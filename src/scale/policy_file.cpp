#include "scale/policy_file.hpp"

#include <cmath>
#include <stdexcept>

#include "scale/yaml_input.hpp"

namespace mindme::scale {

namespace {

std::string scalar(const YAML::Node& node, const std::string& where) {
    if (!node.IsScalar()) refuse(where, "expected a value, not a list or a mapping");
    return node.Scalar();
}

int whole(const YAML::Node& node, const std::string& where) {
    auto text = scalar(node, where);
    auto [value, unit] = std::pair{0.0, std::string()};
    try {
        std::size_t used = 0;
        value = std::stod(text, &used);
        unit = text.substr(used);
    } catch (const std::exception&) {
        refuse(where, "expected a whole number");
    }
    if (unit.find_first_not_of(" ") != std::string::npos && squeezed(unit) != "instances" &&
        squeezed(unit) != "instance")
        refuse(where, "expected a whole number of instances");
    if (value != std::floor(value) || value < 0 || value > 1e6)
        refuse(where, "expected a whole number ≥ 0");
    return static_cast<int>(value);
}

// Conditions as a list ("- CPU > 80%") or a mapping ("cpu_high: CPU > 80%").
std::vector<std::pair<std::string, Condition>> conditions(const YAML::Node& node,
                                                          const std::string& where) {
    std::vector<std::pair<std::string, Condition>> out;
    if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i) {
            auto at = where + "[" + std::to_string(i) + "]";
            out.emplace_back("", parse_condition(scalar(node[i], at), at));
        }
    } else if (node.IsMap()) {
        for (const auto& item : node) {
            auto name = item.first.as<std::string>();
            auto at = where + "." + name;
            out.emplace_back(name, parse_condition(scalar(item.second, at), at));
        }
    } else if (!node.IsNull()) {
        refuse(where, "expected a list of conditions or a mapping of names to conditions");
    }
    return out;
}

std::string default_alarm_name(const Condition& c) {
    bool high = c.comparison == metrics::Comparison::kGreaterThanThreshold ||
                c.comparison == metrics::Comparison::kGreaterThanOrEqualToThreshold;
    return std::string(metric_info(c.metric).id) + (high ? "_high" : "_low");
}

PolicyTarget target(Metric metric, const YAML::Node& node, const std::string& where) {
    if (metric != Metric::kCpu && metric != Metric::kMemory &&
        metric != Metric::kRequestsPerInstance && metric != Metric::kQueueDepth)
        refuse(where,
               "target tracking needs a metric that falls as instances are added: CPU, "
               "Memory, Requests per Instance or Queue Depth (per instance)");
    PolicyTarget t{metric, parse_quantity(scalar(node, where), metric, where)};
    if (!(t.value > 0)) refuse(where, "the target must be positive");
    return t;
}

const char* kKnownKeys =
    "Name, Instance Type, Min Size, Max Size, Desired Capacity, Target <metric>, Scale Out "
    "Cooldown, Scale In Cooldown, Default Cooldown, Instance Warmup, Launch Time, Period, "
    "Auto Scaling Triggers, CloudWatch Metrics, Capacity, Services";

}  // namespace

std::string target_policy_name(const PolicyTarget& target) {
    return std::string(metric_info(target.metric).id) + "_target";
}

bool looks_like_policy_file(const std::string& text) {
    try {
        auto node = YAML::Load(text);
        return node.IsMap() && !node["PolicyName"] && !node["AlarmName"];
    } catch (const YAML::Exception&) {
        return false;
    }
}

PolicyFile parse_policy_file(const std::string& text, const std::string& origin) {
    auto doc = load_mapping(text, origin, "a mapping of policy settings");
    PolicyFile p;
    std::optional<std::int64_t> scale_out, scale_in;
    bool min_given = false, desired_given = false;
    std::vector<std::pair<std::string, Condition>> triggers, alarms;
    for_each_setting(
        doc, origin, ": ",
        [&](const std::string& key, const std::string& where, const YAML::Node& v) {
            if (key == "name") {
                p.name = scalar(v, where);
            } else if (key == "instancetype") {
                p.instance_type = scalar(v, where);
            } else if (key == "minsize" || key == "mininstances" || key == "minimuminstances") {
                p.group.min_size = whole(v, where);
                min_given = true;
            } else if (key == "maxsize" || key == "maxinstances" || key == "maximuminstances") {
                p.group.max_size = whole(v, where);
            } else if (key == "desiredcapacity" || key == "desired") {
                p.group.desired = whole(v, where);
                desired_given = true;
            } else if (key == "scaleoutcooldown") {
                scale_out = parse_seconds(scalar(v, where), where);
            } else if (key == "scaleincooldown") {
                scale_in = parse_seconds(scalar(v, where), where);
            } else if (key == "defaultcooldown") {
                p.group.default_cooldown = parse_seconds(scalar(v, where), where);
            } else if (key == "instancewarmup" || key == "defaultinstancewarmup") {
                p.group.default_instance_warmup = parse_seconds(scalar(v, where), where);
            } else if (key == "launchtime" || key == "launchseconds") {
                p.group.launch_seconds = parse_seconds(scalar(v, where), where);
            } else if (key == "period" || key == "evaluationperiod") {
                p.period_seconds = parse_seconds(scalar(v, where), where);
                if (p.period_seconds < 1) refuse(where, "the period must be at least 1 second");
            } else if (key == "autoscalingtriggers" || key == "triggers") {
                triggers = conditions(v, where);
            } else if (key == "cloudwatchmetrics" || key == "cloudwatchalarms" || key == "alarms") {
                alarms = conditions(v, where);
            } else if (key == "capacity" || key == "services") {
                // mindme plan's (scale/capacity_plan.hpp)
            } else if (auto metric =
                           key.starts_with("target") ? metric_named(key.substr(6)) : std::nullopt) {
                p.targets.push_back(target(*metric, v, where));
            } else {
                refuse(where, "unknown setting; known: " + std::string(kKnownKeys));
            }
        });
    if (!min_given) refuse(origin, "Min Size is required");
    if (!desired_given) p.group.desired = p.group.min_size;
    try {
        validate(p.group);
    } catch (const std::invalid_argument& e) {
        refuse(origin, e.what());
    }
    if (scale_out || scale_in)
        p.cooldowns = Cooldowns{scale_out.value_or(300), scale_in.value_or(300), 0};
    for (auto& [name, when] : triggers) {
        if (!when.action) {
            bool out = when.comparison == metrics::Comparison::kGreaterThanThreshold ||
                       when.comparison == metrics::Comparison::kGreaterThanOrEqualToThreshold;
            when.action = Action{AdjustmentType::kPercentChangeInCapacity, out ? 10 : -10};
        }
        p.triggers.push_back({name, when});
    }
    for (auto& [name, when] : alarms) {
        if (when.action)
            refuse(origin + ": CloudWatch Metrics",
                   "an alarm here notifies only; actions belong in Auto Scaling Triggers");
        p.alarms.push_back({name.empty() ? default_alarm_name(when) : name, when});
    }
    return p;
}

Simulation to_simulation(const PolicyFile& p) {
    Simulation sim;
    sim.group = p.group;
    sim.cooldowns = p.cooldowns;
    for (const auto& t : p.targets) {
        AwsTargetTracking tracking;
        tracking.spec.name = target_policy_name(t);
        tracking.spec.target = t.value;
        tracking.spec.period_seconds = p.period_seconds;
        tracking.metric = metric_info(t.metric).trace_name;
        sim.policies.emplace_back(std::move(tracking));
    }
    auto alarm_of = [&](const std::string& name, const Condition& c) {
        AwsAlarm a;
        a.spec.name = name;
        a.spec.period_seconds = p.period_seconds;
        a.spec.evaluation_periods = c.periods;
        a.spec.datapoints_to_alarm = c.datapoints;
        a.spec.comparison = c.comparison;
        a.spec.threshold = c.threshold;
        a.metric = metric_info(c.metric).trace_name;
        return a;
    };
    for (const auto& t : p.triggers) {
        AwsSimplePolicy simple;
        simple.name = t.name;
        simple.spec.type = t.when.action->type;
        simple.spec.adjustment = t.when.action->adjustment;
        if (simple.spec.type == AdjustmentType::kPercentChangeInCapacity)
            simple.spec.min_adjustment_magnitude = 1;
        if (p.cooldowns)
            simple.spec.cooldown = t.when.action->adjustment >= 0 ? p.cooldowns->scale_out_seconds
                                                                  : p.cooldowns->scale_in_seconds;
        sim.policies.emplace_back(std::move(simple));
        auto alarm = alarm_of(t.name + "-alarm", t.when);
        alarm.actions.push_back(t.name);
        sim.alarms.push_back(std::move(alarm));
    }
    for (const auto& a : p.alarms) sim.alarms.push_back(alarm_of(a.name, a.when));
    return sim;
}

}  // namespace mindme::scale
