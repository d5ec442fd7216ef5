#pragma once
// Scaling definitions in AWS's own shapes, as JSON or YAML (JSON is YAML): the
// parameters of `aws autoscaling create-auto-scaling-group` (MinSize, MaxSize,
// DesiredCapacity, DefaultCooldown, DefaultInstanceWarmup), `put-scaling-policy`
// (PolicyName, PolicyType TargetTrackingScaling | StepScaling | SimpleScaling,
// TargetTrackingConfiguration, StepAdjustments, AdjustmentType, ...) and
// `aws cloudwatch put-metric-alarm` (AlarmName, MetricName, Period, EvaluationPeriods,
// DatapointsToAlarm, Threshold, ComparisonOperator, TreatMissingData, AlarmActions).
// Errors (std::invalid_argument) name the field.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "metrics/alarm.hpp"
#include "scale/group.hpp"
#include "scale/step_scaler.hpp"
#include "scale/target_tracking.hpp"

namespace mindme::scale {

struct AwsTargetTracking {
    TargetTrackingSpec spec;
    std::string metric;  // the trace's metric: PredefinedMetricType or MetricName
};
struct AwsStepPolicy {
    std::string name;
    StepPolicy policy;
    std::optional<std::int64_t> warmup;
};
struct AwsSimplePolicy {
    std::string name;
    SimpleScalingSpec spec;  // its alarm comes from the alarm that names it
};
using AwsPolicy = std::variant<AwsTargetTracking, AwsStepPolicy, AwsSimplePolicy>;

struct AwsAlarm {
    metrics::AlarmSpec spec;
    std::string metric;                // MetricName
    std::vector<std::string> actions;  // policy names (ARNs reduced to the name)
};

// `text`: the document; `origin`: how errors name it (a file name).
GroupSpec parse_aws_group(const std::string& text, const std::string& origin);
AwsPolicy parse_aws_policy(const std::string& text, const std::string& origin);
AwsAlarm parse_aws_alarm(const std::string& text, const std::string& origin);

}  // namespace mindme::scale
