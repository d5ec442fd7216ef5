// The seeds' policies written with AWS's own parameters load as written.
#include "scale/aws_input.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace mindme::scale {
namespace {

void expect_refused(const std::string& what, const std::string& words) {
    try {
        if (what.find("AlarmName") != std::string::npos)
            parse_aws_alarm(what, "a.json");
        else if (what.find("PolicyName") != std::string::npos)
            parse_aws_policy(what, "p.json");
        else
            parse_aws_group(what, "g.json");
        ADD_FAILURE() << "accepted; expected: " << words;
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
}

TEST(AwsInput, TheSeedsGroupAsCreateAutoScalingGroupParameters) {
    auto g = parse_aws_group(R"({"AutoScalingGroupName": "mindme-api", "MinSize": 25,
        "MaxSize": 100, "DesiredCapacity": 50, "DefaultCooldown": 300,
        "LaunchTemplate": {"LaunchTemplateName": "api"}})",
                             "group.json");
    EXPECT_EQ(g.min_size, 25);
    EXPECT_EQ(g.max_size, 100);
    EXPECT_EQ(g.desired, 50);
    EXPECT_EQ(g.default_cooldown, 300);
    EXPECT_FALSE(g.default_instance_warmup);
}

TEST(AwsInput, TargetTrackingOnCpuAndOnRequestsPerInstance) {
    auto cpu = std::get<AwsTargetTracking>(parse_aws_policy(R"(
PolicyName: cpu-70
PolicyType: TargetTrackingScaling
EstimatedInstanceWarmup: 120
TargetTrackingConfiguration:
  PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}
  TargetValue: 70.0
)",
                                                            "cpu.yaml"));
    EXPECT_EQ(cpu.spec.name, "cpu-70");
    EXPECT_EQ(cpu.spec.target, 70);
    EXPECT_EQ(cpu.metric, "ASGAverageCPUUtilization");
    EXPECT_EQ(cpu.spec.warmup, 120);
    auto requests = std::get<AwsTargetTracking>(parse_aws_policy(
        R"({"PolicyName": "requests-1000", "PolicyType": "TargetTrackingScaling",
            "TargetTrackingConfiguration": {"TargetValue": 1000, "DisableScaleIn": true,
              "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget",
                "ResourceLabel": "app/mindme/1/targetgroup/api/2"}}})",
        "requests.json"));
    EXPECT_EQ(requests.metric, "ALBRequestCountPerTarget");
    EXPECT_TRUE(requests.spec.disable_scale_in);
}

TEST(AwsInput, StepAndSimplePolicies) {
    auto step = std::get<AwsStepPolicy>(parse_aws_policy(R"({"PolicyName": "emergency",
        "PolicyType": "StepScaling", "AdjustmentType": "PercentChangeInCapacity",
        "MinAdjustmentMagnitude": 10, "StepAdjustments": [
          {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 25000, "ScalingAdjustment": 30},
          {"MetricIntervalLowerBound": 25000, "ScalingAdjustment": 50}]})",
                                                         "emergency.json"));
    ASSERT_EQ(step.policy.steps.size(), 2u);
    EXPECT_EQ(step.policy.type, AdjustmentType::kPercentChangeInCapacity);
    EXPECT_EQ(step.policy.min_adjustment_magnitude, 10);
    EXPECT_EQ(step.policy.aggregation, metrics::Statistic::kAverage);  // the default
    EXPECT_FALSE(step.policy.steps[1].upper);
    auto simple = std::get<AwsSimplePolicy>(parse_aws_policy(
        R"({"PolicyName": "in", "AdjustmentType": "ChangeInCapacity", "ScalingAdjustment": -5,
            "Cooldown": 600})",
        "in.json"));
    EXPECT_EQ(simple.spec.adjustment, -5);
    EXPECT_EQ(simple.spec.cooldown, 600);
}

TEST(AwsInput, TheSeedsAlarmsAsPutMetricAlarmParameters) {
    auto a = parse_aws_alarm(R"({"AlarmName": "cpu-high-2", "MetricName": "CPUUtilization",
        "Namespace": "AWS/EC2", "Statistic": "Average", "Period": 60, "EvaluationPeriods": 2,
        "Threshold": 70, "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": ["arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1a2b:autoScalingGroupName/mindme-api:policyName/scale-out"]})",
                             "alarm.json");
    EXPECT_EQ(a.spec.name, "cpu-high-2");
    EXPECT_EQ(a.metric, "CPUUtilization");
    EXPECT_EQ(a.spec.evaluation_periods, 2);
    EXPECT_EQ(a.spec.missing, metrics::MissingData::kNotBreaching);
    EXPECT_EQ(a.spec.statistic, metrics::Statistic::kAverage);
    ASSERT_EQ(a.actions.size(), 1u);
    EXPECT_EQ(a.actions[0], "scale-out");
}

TEST(AwsInput, WhatCannotBeIsRefusedNamingTheFileAndField) {
    expect_refused(R"({"MaxSize": 3})", "g.json: MinSize is required");
    expect_refused(R"({"MinSize": 3, "MaxSize": 2})", "g.json: MaxSize must be at least MinSize");
    expect_refused(R"({"MinSize": "many", "MaxSize": 2})", "MinSize has the wrong type");
    expect_refused("[1, 2", "g.json: not JSON or YAML");
    expect_refused(R"({"PolicyName": "p", "PolicyType": "Predictive"})", "PolicyType must be");
    expect_refused(R"({"PolicyName": "p", "PolicyType": "StepScaling",
        "AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
        {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 1},
        {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 2}]})",
                   "p.json: StepAdjustments: a gap");
    expect_refused(R"({"PolicyName": "p", "PolicyType": "TargetTrackingScaling",
        "TargetTrackingConfiguration": {"TargetValue": 70}})",
                   "PredefinedMetricSpecification or CustomizedMetricSpecification");
    expect_refused(R"({"AlarmName": "a", "MetricName": "m", "EvaluationPeriods": 2,
        "Threshold": 1, "ComparisonOperator": "GreaterThanUpperThreshold"})",
                   "ComparisonOperator GreaterThanUpperThreshold");
    expect_refused(R"({"AlarmName": "a", "MetricName": "m", "EvaluationPeriods": 1,
        "Threshold": 1, "ComparisonOperator": "LessThanThreshold", "Statistic": "Median"})",
                   "Statistic must be");
    expect_refused(R"({"AlarmName": "a", "MetricName": "m", "EvaluationPeriods": 1,
        "Threshold": 1, "ComparisonOperator": "LessThanThreshold", "ExtendedStatistic": "p99"})",
                   "ExtendedStatistic");
    expect_refused(R"({"PolicyName": "p", "PolicyType": "StepScaling",
        "AdjustmentType": "ChangeInCapacity", "MetricAggregationType": "Sum",
        "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]})",
                   "MetricAggregationType must be");
    expect_refused(R"({"AlarmName": "a", "MetricName": "m", "EvaluationPeriods": 2,
        "DatapointsToAlarm": 3, "Threshold": 1, "ComparisonOperator": "LessThanThreshold"})",
                   "DatapointsToAlarm");
}

}  // namespace
}  // namespace mindme::scale
