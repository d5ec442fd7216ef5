#include "scale/exporters.hpp"

#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace mindme::scale {

namespace json = boost::json;

namespace {

bool scales_out(const Condition& c) {
    return c.comparison == metrics::Comparison::kGreaterThanThreshold ||
           c.comparison == metrics::Comparison::kGreaterThanOrEqualToThreshold;
}

// Placeholders the user replaces: AWS assigns these identifiers.
std::string alb_resource_label(const std::string& name) {
    return "app/" + name + "/LOAD-BALANCER-ID/targetgroup/" + name + "/TARGET-GROUP-ID";
}
std::string policy_arn(const std::string& group, const std::string& policy) {
    return "arn:aws:autoscaling:REGION:ACCOUNT:scalingPolicy:POLICY-ID:autoScalingGroupName/" +
           group + ":policyName/" + policy;
}

std::string dimension_value(const MetricInfo& m, const std::string& name) {
    std::string d = m.dimension;
    if (d == "LoadBalancer") return "app/" + name + "/LOAD-BALANCER-ID";
    if (d == "TargetGroup") return "targetgroup/" + name + "/TARGET-GROUP-ID";
    return name;
}

json::value number(double v) {
    if (v == std::floor(v) && std::abs(v) < 1e15) return static_cast<std::int64_t>(v);
    return v;
}

// The shortest text that reads back as `v`: "70", "1428.6".
std::string text_number(double v) {
    char buffer[32];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
    return std::string(buffer, end);
}

void pretty(std::string& out, const json::value& v, int indent) {
    auto pad = [&](int n) { out += std::string(static_cast<std::size_t>(n) * 2, ' '); };
    if (v.is_object()) {
        const auto& o = v.get_object();
        if (o.empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        std::size_t i = 0;
        for (const auto& [key, value] : o) {
            pad(indent + 1);
            out += json::serialize(json::value(key)) + ": ";
            pretty(out, value, indent + 1);
            out += ++i < o.size() ? ",\n" : "\n";
        }
        pad(indent);
        out += "}";
    } else if (v.is_array()) {
        const auto& a = v.get_array();
        if (a.empty()) {
            out += "[]";
            return;
        }
        out += "[\n";
        for (std::size_t i = 0; i < a.size(); ++i) {
            pad(indent + 1);
            pretty(out, a[i], indent + 1);
            out += i + 1 < a.size() ? ",\n" : "\n";
        }
        pad(indent);
        out += "]";
    } else {
        out += json::serialize(v);
    }
}

json::object ec2_target(const PolicyFile& p, const PolicyTarget& t, const std::string& name) {
    json::object spec;
    switch (t.metric) {
        case Metric::kCpu:
            spec["PredefinedMetricSpecification"] =
                json::object{{"PredefinedMetricType", "ASGAverageCPUUtilization"}};
            break;
        case Metric::kRequestsPerInstance:
            spec["PredefinedMetricSpecification"] =
                json::object{{"PredefinedMetricType", "ALBRequestCountPerTarget"},
                             {"ResourceLabel", alb_resource_label(name)}};
            break;
        default: {
            const auto& m = metric_info(t.metric);
            spec["CustomizedMetricSpecification"] = json::object{
                {"MetricName",
                 t.metric == Metric::kQueueDepth ? "BacklogPerInstance" : m.trace_name},
                {"Namespace", m.name_space},
                {"Statistic", m.statistic},
                {"Dimensions",
                 json::array{json::object{{"Name", "AutoScalingGroupName"}, {"Value", name}}}}};
        }
    }
    spec["TargetValue"] = number(t.value);
    json::object policy{{"AutoScalingGroupName", name},
                        {"PolicyName", target_policy_name(t)},
                        {"PolicyType", "TargetTrackingScaling"},
                        {"TargetTrackingConfiguration", std::move(spec)}};
    if (p.group.default_instance_warmup)
        policy["EstimatedInstanceWarmup"] = *p.group.default_instance_warmup;
    return policy;
}

std::int64_t cooldown_of(const PolicyFile& p, const Condition& c) {
    if (!p.cooldowns) return p.group.default_cooldown;
    return scales_out(c) ? p.cooldowns->scale_out_seconds : p.cooldowns->scale_in_seconds;
}

json::object alarm_json(const PolicyFile& p, const std::string& alarm_name, const Condition& c,
                        const std::string& name) {
    const auto& m = metric_info(c.metric);
    return json::object{
        {"AlarmName", alarm_name},
        {"Namespace", m.name_space},
        {"MetricName", m.trace_name},
        {"Statistic", m.statistic},
        {"Dimensions",
         json::array{json::object{{"Name", m.dimension}, {"Value", dimension_value(m, name)}}}},
        {"Period", p.period_seconds},
        {"EvaluationPeriods", c.periods},
        {"DatapointsToAlarm", c.datapoints},
        {"Threshold", number(c.threshold)},
        {"ComparisonOperator", metrics::comparison_name(c.comparison)},
        {"TreatMissingData", "missing"}};
}

const char* ecs_metric(Metric m) {
    switch (m) {
        case Metric::kCpu:
            return "ECSServiceAverageCPUUtilization";
        case Metric::kMemory:
            return "ECSServiceAverageMemoryUtilization";
        case Metric::kRequestsPerInstance:
            return "ALBRequestCountPerTarget";
        default:
            return nullptr;
    }
}

std::string identifier(const std::string& name) {
    std::string out;
    for (char c : name) {
        bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a'), word = true;
        out += word ? c : '_';
    }
    if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out = "p_" + out;
    return out;
}

std::string hcl_string(const std::string& s) { return json::serialize(json::value(s)); }

}  // namespace

std::string export_aws(const PolicyFile& p, const ExportOptions& o) {
    const auto& name = o.name;
    json::object group{{"AutoScalingGroupName", name},
                       {"MinSize", p.group.min_size},
                       {"MaxSize", p.group.max_size},
                       {"DesiredCapacity", p.group.desired},
                       {"DefaultCooldown", p.group.default_cooldown},
                       {"LaunchTemplate", json::object{{"LaunchTemplateName", name}}}};
    if (p.group.default_instance_warmup)
        group["DefaultInstanceWarmup"] = *p.group.default_instance_warmup;
    json::array policies, alarms, ecs_policies;
    for (const auto& t : p.targets) policies.push_back(ec2_target(p, t, name));
    for (const auto& t : p.triggers) {
        const auto& action = *t.when.action;
        json::object simple{{"AutoScalingGroupName", name},
                            {"PolicyName", t.name},
                            {"PolicyType", "SimpleScaling"},
                            {"AdjustmentType", adjustment_type_name(action.type)},
                            {"ScalingAdjustment", action.adjustment},
                            {"Cooldown", cooldown_of(p, t.when)}};
        if (action.type == AdjustmentType::kPercentChangeInCapacity)
            simple["MinAdjustmentMagnitude"] = 1;
        policies.push_back(std::move(simple));
        auto alarm = alarm_json(p, t.name + "-alarm", t.when, name);
        alarm["AlarmActions"] = json::array{json::value(policy_arn(name, t.name))};
        alarms.push_back(std::move(alarm));
    }
    for (const auto& a : p.alarms) alarms.push_back(alarm_json(p, a.name, a.when, name));

    // Application Auto Scaling (an ECS service): target tracking with the cooldowns.
    json::object target{{"ServiceNamespace", "ecs"},
                        {"ResourceId", "service/" + name + "/" + name},
                        {"ScalableDimension", "ecs:service:DesiredCount"}};
    json::object scalable = target;
    scalable["MinCapacity"] = p.group.min_size;
    scalable["MaxCapacity"] = p.group.max_size;
    for (const auto& t : p.targets) {
        json::object config{{"TargetValue", number(t.value)}};
        if (const char* predefined = ecs_metric(t.metric)) {
            json::object spec{{"PredefinedMetricType", predefined}};
            if (t.metric == Metric::kRequestsPerInstance)
                spec["ResourceLabel"] = alb_resource_label(name);
            config["PredefinedMetricSpecification"] = std::move(spec);
        } else {
            const auto& m = metric_info(t.metric);
            config["CustomizedMetricSpecification"] =
                json::object{{"MetricName", "BacklogPerInstance"},
                             {"Namespace", m.name_space},
                             {"Statistic", m.statistic}};
        }
        if (p.cooldowns) {
            config["ScaleOutCooldown"] = p.cooldowns->scale_out_seconds;
            config["ScaleInCooldown"] = p.cooldowns->scale_in_seconds;
        }
        json::object policy = target;
        policy["PolicyName"] = target_policy_name(t);
        policy["PolicyType"] = "TargetTrackingScaling";
        policy["TargetTrackingScalingPolicyConfiguration"] = std::move(config);
        ecs_policies.push_back(std::move(policy));
    }
    for (const auto& t : p.triggers) {
        const auto& action = *t.when.action;
        json::object step{{"ScalingAdjustment", action.adjustment}};
        step[scales_out(t.when) ? "MetricIntervalLowerBound" : "MetricIntervalUpperBound"] = 0;
        json::object config{{"AdjustmentType", adjustment_type_name(action.type)},
                            {"StepAdjustments", json::array{std::move(step)}},
                            {"Cooldown", cooldown_of(p, t.when)}};
        if (action.type == AdjustmentType::kPercentChangeInCapacity)
            config["MinAdjustmentMagnitude"] = 1;
        json::object policy = target;
        policy["PolicyName"] = t.name;
        policy["PolicyType"] = "StepScaling";
        policy["StepScalingPolicyConfiguration"] = std::move(config);
        ecs_policies.push_back(std::move(policy));
    }
    json::object doc{{"autoscaling create-auto-scaling-group", std::move(group)},
                     {"autoscaling put-scaling-policy", std::move(policies)},
                     {"cloudwatch put-metric-alarm", std::move(alarms)},
                     {"application-autoscaling register-scalable-target", std::move(scalable)},
                     {"application-autoscaling put-scaling-policy", std::move(ecs_policies)}};
    std::string out;
    pretty(out, doc, 0);
    return out + "\n";
}

std::string export_terraform(const PolicyFile& p, const ExportOptions& o) {
    auto group = identifier(o.name);
    std::string out =
        "# From a MindMe policy file (docs/scaling.md, \"Exporters\"). The launch template,\n"
        "# subnets and load balancer are yours to add.\n"
        "resource \"aws_autoscaling_group\" " +
        hcl_string(group) + " {\n" + "  name             = " + hcl_string(o.name) + "\n" +
        "  min_size         = " + std::to_string(p.group.min_size) + "\n" +
        "  max_size         = " + std::to_string(p.group.max_size) + "\n" +
        "  desired_capacity = " + std::to_string(p.group.desired) + "\n" +
        "  default_cooldown = " + std::to_string(p.group.default_cooldown) + "\n";
    if (p.group.default_instance_warmup)
        out += "  default_instance_warmup = " + std::to_string(*p.group.default_instance_warmup) +
               "\n";
    out += "}\n";
    auto group_ref = "aws_autoscaling_group." + group + ".name";
    for (const auto& t : p.targets) {
        auto id = identifier(target_policy_name(t));
        out += "\nresource \"aws_autoscaling_policy\" " + hcl_string(id) + " {\n" +
               "  name                   = " + hcl_string(target_policy_name(t)) + "\n" +
               "  autoscaling_group_name = " + group_ref + "\n" +
               "  policy_type            = \"TargetTrackingScaling\"\n";
        if (p.group.default_instance_warmup)
            out += "  estimated_instance_warmup = " +
                   std::to_string(*p.group.default_instance_warmup) + "\n";
        out += "  target_tracking_configuration {\n";
        if (t.metric == Metric::kCpu || t.metric == Metric::kRequestsPerInstance) {
            out += "    predefined_metric_specification {\n      predefined_metric_type = " +
                   std::string(t.metric == Metric::kCpu ? "\"ASGAverageCPUUtilization\""
                                                        : "\"ALBRequestCountPerTarget\"") +
                   "\n";
            if (t.metric == Metric::kRequestsPerInstance)
                out += "      resource_label         = " + hcl_string(alb_resource_label(o.name)) +
                       "\n";
            out += "    }\n";
        } else {
            const auto& m = metric_info(t.metric);
            out +=
                "    customized_metric_specification {\n      metric_name = " +
                hcl_string(t.metric == Metric::kQueueDepth ? "BacklogPerInstance" : m.trace_name) +
                "\n      namespace   = " + hcl_string(m.name_space) +
                "\n      statistic   = " + hcl_string(m.statistic) +
                "\n      metric_dimension {\n        name  = \"AutoScalingGroupName\"\n"
                "        value = " +
                group_ref + "\n      }\n    }\n";
        }
        out += "    target_value = " + text_number(t.value) + "\n  }\n}\n";
    }
    auto alarm = [&](const std::string& id, const std::string& alarm_name, const Condition& c,
                     const std::string& action) {
        const auto& m = metric_info(c.metric);
        std::string dimension = std::string(m.dimension) == "AutoScalingGroupName"
                                    ? group_ref
                                    : hcl_string(dimension_value(m, o.name));
        out += "\nresource \"aws_cloudwatch_metric_alarm\" " + hcl_string(id) + " {\n" +
               "  alarm_name          = " + hcl_string(alarm_name) + "\n" +
               "  namespace           = " + hcl_string(m.name_space) + "\n" +
               "  metric_name         = " + hcl_string(m.trace_name) + "\n" +
               "  statistic           = " + hcl_string(m.statistic) + "\n" +
               "  dimensions          = { " + m.dimension + " = " + dimension + " }\n" +
               "  period              = " + std::to_string(p.period_seconds) + "\n" +
               "  evaluation_periods  = " + std::to_string(c.periods) + "\n" +
               "  datapoints_to_alarm = " + std::to_string(c.datapoints) + "\n" +
               "  threshold           = " + text_number(c.threshold) + "\n" +
               "  comparison_operator = " + hcl_string(metrics::comparison_name(c.comparison)) +
               "\n";
        if (!action.empty()) out += "  alarm_actions       = [" + action + "]\n";
        out += "}\n";
    };
    for (const auto& t : p.triggers) {
        auto id = identifier(t.name);
        const auto& action = *t.when.action;
        out += "\nresource \"aws_autoscaling_policy\" " + hcl_string(id) + " {\n" +
               "  name                   = " + hcl_string(t.name) + "\n" +
               "  autoscaling_group_name = " + group_ref + "\n" +
               "  policy_type            = \"SimpleScaling\"\n" +
               "  adjustment_type        = " + hcl_string(adjustment_type_name(action.type)) +
               "\n" + "  scaling_adjustment     = " + std::to_string(action.adjustment) + "\n" +
               "  cooldown               = " + std::to_string(cooldown_of(p, t.when)) + "\n";
        if (action.type == AdjustmentType::kPercentChangeInCapacity)
            out += "  min_adjustment_magnitude = 1\n";
        out += "}\n";
        alarm(id + "_alarm", t.name + "-alarm", t.when, "aws_autoscaling_policy." + id + ".arn");
    }
    for (const auto& a : p.alarms) alarm(identifier(a.name), a.name, a.when, "");
    return out;
}

std::string export_kubernetes(const PolicyFile& p, const ExportOptions& o) {
    const PolicyTarget* queue = nullptr;
    for (const auto& t : p.targets)
        if (t.metric == Metric::kQueueDepth) queue = &t;
    std::int64_t scale_in = p.cooldowns ? p.cooldowns->scale_in_seconds : 300;
    YAML::Emitter y;
    y << YAML::Comment("From a MindMe policy file (docs/scaling.md, \"Exporters\")");
    auto behavior = [&] {
        y << YAML::Key << "behavior" << YAML::Value << YAML::BeginMap;
        y << YAML::Key << "scaleDown" << YAML::Value << YAML::BeginMap << YAML::Key
          << "stabilizationWindowSeconds" << YAML::Value << scale_in << YAML::EndMap;
        y << YAML::EndMap;
    };
    y << YAML::BeginMap;
    if (queue) {
        y << YAML::Key << "apiVersion" << YAML::Value << "keda.sh/v1alpha1";
        y << YAML::Key << "kind" << YAML::Value << "ScaledObject";
    } else {
        y << YAML::Key << "apiVersion" << YAML::Value << "autoscaling/v2";
        y << YAML::Key << "kind" << YAML::Value << "HorizontalPodAutoscaler";
    }
    y << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
      << YAML::Value << o.name << YAML::EndMap;
    y << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "scaleTargetRef" << YAML::Value << YAML::BeginMap;
    if (!queue)
        y << YAML::Key << "apiVersion" << YAML::Value << "apps/v1" << YAML::Key << "kind"
          << YAML::Value << "Deployment";
    y << YAML::Key << "name" << YAML::Value << o.name << YAML::EndMap;
    if (queue) {
        y << YAML::Key << "minReplicaCount" << YAML::Value << p.group.min_size;
        y << YAML::Key << "maxReplicaCount" << YAML::Value << p.group.max_size;
        y << YAML::Key << "pollingInterval" << YAML::Value << 30;
        y << YAML::Key << "cooldownPeriod" << YAML::Value << scale_in;
        y << YAML::Key << "advanced" << YAML::Value << YAML::BeginMap << YAML::Key
          << "horizontalPodAutoscalerConfig" << YAML::Value << YAML::BeginMap;
        behavior();
        y << YAML::EndMap << YAML::EndMap;
        y << YAML::Key << "triggers" << YAML::Value << YAML::BeginSeq;
        for (const auto& t : p.targets) {
            y << YAML::BeginMap;
            if (&t == queue) {
                y << YAML::Key << "type" << YAML::Value << "rabbitmq";
                y << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
                y << YAML::Key << "protocol" << YAML::Value << "amqp";
                y << YAML::Key << "queueName" << YAML::Value << o.queue;
                y << YAML::Key << "mode" << YAML::Value << "QueueLength";
                // KEDA's metadata values are strings.
                y << YAML::Key << "value" << YAML::Value << YAML::DoubleQuoted
                  << text_number(t.value);
                y << YAML::Key << "hostFromEnv" << YAML::Value << "RABBITMQ_URL";
                y << YAML::EndMap;
            } else {
                bool resource = t.metric == Metric::kCpu || t.metric == Metric::kMemory;
                if (resource) {
                    y << YAML::Key << "type" << YAML::Value
                      << (t.metric == Metric::kCpu ? "cpu" : "memory");
                    y << YAML::Key << "metricType" << YAML::Value << "Utilization";
                    y << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key
                      << "value" << YAML::Value << YAML::DoubleQuoted << text_number(t.value)
                      << YAML::EndMap;
                } else {
                    y << YAML::Key << "type" << YAML::Value << "prometheus";
                    y << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
                    y << YAML::Key << "serverAddress" << YAML::Value << "http://prometheus:9090";
                    y << YAML::Key << "query" << YAML::Value
                      << "sum(rate(http_requests_total{job=\"" + o.name + "\"}[1m])) * 60";
                    y << YAML::Key << "threshold" << YAML::Value << YAML::DoubleQuoted
                      << text_number(t.value);
                    y << YAML::EndMap;
                }
            }
            y << YAML::EndMap;
        }
        y << YAML::EndSeq;
    } else {
        y << YAML::Key << "minReplicas" << YAML::Value << p.group.min_size;
        y << YAML::Key << "maxReplicas" << YAML::Value << p.group.max_size;
        y << YAML::Key << "metrics" << YAML::Value << YAML::BeginSeq;
        for (const auto& t : p.targets) {
            y << YAML::BeginMap;
            if (t.metric == Metric::kCpu || t.metric == Metric::kMemory) {
                y << YAML::Key << "type" << YAML::Value << "Resource";
                y << YAML::Key << "resource" << YAML::Value << YAML::BeginMap;
                y << YAML::Key << "name" << YAML::Value
                  << (t.metric == Metric::kCpu ? "cpu" : "memory");
                y << YAML::Key << "target" << YAML::Value << YAML::BeginMap;
                y << YAML::Key << "type" << YAML::Value << "Utilization";
                y << YAML::Key << "averageUtilization" << YAML::Value
                  << static_cast<int>(std::ceil(t.value));
                y << YAML::EndMap << YAML::EndMap;
            } else {
                y << YAML::Key << "type" << YAML::Value << "Pods";
                y << YAML::Key << "pods" << YAML::Value << YAML::BeginMap;
                y << YAML::Key << "metric" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
                  << YAML::Value << "http_requests_per_minute" << YAML::EndMap;
                y << YAML::Key << "target" << YAML::Value << YAML::BeginMap;
                y << YAML::Key << "type" << YAML::Value << "AverageValue";
                y << YAML::Key << "averageValue" << YAML::Value << text_number(t.value);
                y << YAML::EndMap << YAML::EndMap;
            }
            y << YAML::EndMap;
        }
        y << YAML::EndSeq;
        behavior();
    }
    y << YAML::EndMap << YAML::EndMap;
    std::string out = y.c_str();
    out += "\n";
    for (const auto& t : p.triggers)
        out += "# not carried: the trigger \"" + t.name +
               "\" (Kubernetes scales on targets only; see docs/scaling.md)\n";
    return out;
}

}  // namespace mindme::scale
