#include "scale/aws_input.hpp"

#include <stdexcept>

#include "scale/yaml_input.hpp"

namespace mindme::scale {

namespace {

YAML::Node load(const std::string& text, const std::string& origin) {
    return load_mapping(text, origin, "an object of AWS parameters");
}

template <class T>
std::optional<T> optional_field(const YAML::Node& n, const char* key, const std::string& origin) {
    if (!n[key]) return std::nullopt;
    try {
        return n[key].as<T>();
    } catch (const YAML::Exception&) {
        refuse(origin, std::string(key) + " has the wrong type");
    }
}

template <class T>
T field(const YAML::Node& n, const char* key, const std::string& origin) {
    auto v = optional_field<T>(n, key, origin);
    if (!v) refuse(origin, std::string(key) + " is required");
    return *v;
}

AdjustmentType adjustment_type(const std::string& text, const std::string& origin) {
    if (auto type = adjustment_type_named(text)) return *type;
    refuse(origin,
           "AdjustmentType must be ChangeInCapacity, ExactCapacity or PercentChangeInCapacity");
}

std::string policy_name_of(const std::string& action) {
    // arn:aws:autoscaling:…:scalingPolicy:…:autoScalingGroupName/G:policyName/NAME
    auto at = action.rfind("policyName/");
    return at == std::string::npos ? action : action.substr(at + 11);
}

}  // namespace

GroupSpec parse_aws_group(const std::string& text, const std::string& origin) {
    auto n = load(text, origin);
    GroupSpec g;
    g.min_size = field<int>(n, "MinSize", origin);
    g.max_size = field<int>(n, "MaxSize", origin);
    g.desired = optional_field<int>(n, "DesiredCapacity", origin).value_or(g.min_size);
    g.default_cooldown = optional_field<std::int64_t>(n, "DefaultCooldown", origin).value_or(300);
    g.default_instance_warmup = optional_field<std::int64_t>(n, "DefaultInstanceWarmup", origin);
    try {
        validate(g);
    } catch (const std::invalid_argument& e) {
        refuse(origin, e.what());
    }
    return g;
}

AwsPolicy parse_aws_policy(const std::string& text, const std::string& origin) {
    auto n = load(text, origin);
    auto name = field<std::string>(n, "PolicyName", origin);
    auto type = optional_field<std::string>(n, "PolicyType", origin).value_or("SimpleScaling");
    auto warmup = optional_field<std::int64_t>(n, "EstimatedInstanceWarmup", origin);
    if (type != "TargetTrackingScaling" && type != "StepScaling" && type != "SimpleScaling")
        refuse(origin, "PolicyType must be TargetTrackingScaling, StepScaling or SimpleScaling");
    try {
        if (type == "TargetTrackingScaling") {
            auto c = n["TargetTrackingConfiguration"];
            if (!c || !c.IsMap()) refuse(origin, "TargetTrackingConfiguration is required");
            AwsTargetTracking t;
            t.spec.name = name;
            t.spec.target = field<double>(c, "TargetValue", origin);
            t.spec.disable_scale_in =
                optional_field<bool>(c, "DisableScaleIn", origin).value_or(false);
            t.spec.warmup = warmup;
            if (auto p = c["PredefinedMetricSpecification"])
                t.metric = field<std::string>(p, "PredefinedMetricType", origin);
            else if (auto m = c["CustomizedMetricSpecification"])
                t.metric = field<std::string>(m, "MetricName", origin);
            else
                refuse(origin,
                       "TargetTrackingConfiguration needs PredefinedMetricSpecification or "
                       "CustomizedMetricSpecification");
            if (!(t.spec.target > 0)) refuse(origin, "TargetValue must be positive");
            return t;
        }
        auto adjustment = adjustment_type(field<std::string>(n, "AdjustmentType", origin), origin);
        auto magnitude = optional_field<int>(n, "MinAdjustmentMagnitude", origin);
        if (type == "StepScaling") {
            AwsStepPolicy s{name, {adjustment, {}, magnitude}, warmup};
            auto aggregation =
                optional_field<std::string>(n, "MetricAggregationType", origin).value_or("Average");
            if (auto statistic = metrics::statistic_named(aggregation))
                s.policy.aggregation = *statistic;
            else
                refuse(origin, "MetricAggregationType must be Average, Minimum or Maximum");
            auto steps = n["StepAdjustments"];
            if (!steps || !steps.IsSequence()) refuse(origin, "StepAdjustments is required");
            for (const auto& step : steps)
                s.policy.steps.push_back(
                    {optional_field<double>(step, "MetricIntervalLowerBound", origin),
                     optional_field<double>(step, "MetricIntervalUpperBound", origin),
                     field<int>(step, "ScalingAdjustment", origin)});
            validate(s.policy);
            return s;
        }
        {
            AwsSimplePolicy s;
            s.name = name;
            s.spec.type = adjustment;
            s.spec.adjustment = field<int>(n, "ScalingAdjustment", origin);
            s.spec.min_adjustment_magnitude = magnitude;
            s.spec.cooldown = optional_field<std::int64_t>(n, "Cooldown", origin);
            return s;
        }
    } catch (const std::invalid_argument& e) {
        if (std::string(e.what()).starts_with(origin)) throw;
        refuse(origin, e.what());
    }
}

AwsAlarm parse_aws_alarm(const std::string& text, const std::string& origin) {
    auto n = load(text, origin);
    AwsAlarm a;
    a.spec.name = field<std::string>(n, "AlarmName", origin);
    a.metric = field<std::string>(n, "MetricName", origin);
    a.spec.period_seconds = optional_field<std::int64_t>(n, "Period", origin).value_or(60);
    a.spec.evaluation_periods = field<int>(n, "EvaluationPeriods", origin);
    a.spec.datapoints_to_alarm = optional_field<int>(n, "DatapointsToAlarm", origin).value_or(0);
    a.spec.threshold = field<double>(n, "Threshold", origin);
    auto op = field<std::string>(n, "ComparisonOperator", origin);
    if (auto comparison = metrics::comparison_named(op))
        a.spec.comparison = *comparison;
    else
        refuse(origin, "ComparisonOperator " + op + " is not one this engine knows");
    if (n["ExtendedStatistic"])
        refuse(origin, "ExtendedStatistic (percentiles) is not simulated: use Statistic");
    auto statistic = optional_field<std::string>(n, "Statistic", origin).value_or("Average");
    if (auto s = metrics::statistic_named(statistic))
        a.spec.statistic = *s;
    else
        refuse(origin, "Statistic must be Average, Sum, Minimum, Maximum or SampleCount");
    auto missing = optional_field<std::string>(n, "TreatMissingData", origin).value_or("missing");
    if (missing == "missing")
        a.spec.missing = metrics::MissingData::kMissing;
    else if (missing == "ignore")
        a.spec.missing = metrics::MissingData::kIgnore;
    else if (missing == "breaching")
        a.spec.missing = metrics::MissingData::kBreaching;
    else if (missing == "notBreaching")
        a.spec.missing = metrics::MissingData::kNotBreaching;
    else
        refuse(origin, "TreatMissingData must be missing, ignore, breaching or notBreaching");
    if (auto actions = n["AlarmActions"]) {
        if (!actions.IsSequence()) refuse(origin, "AlarmActions must be a list");
        for (const auto& action : actions)
            a.actions.push_back(policy_name_of(action.as<std::string>()));
    }
    try {
        validate(a.spec);
    } catch (const std::invalid_argument& e) {
        refuse(origin, e.what());
    }
    return a;
}

}  // namespace mindme::scale
