// `mindme scale simulate`'s engine: a trace through AWS-shaped policies and alarms.
#include "scale/simulation.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace mindme::scale {
namespace {

std::vector<std::string> lines(const std::string& csv) {
    std::vector<std::string> out;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

Simulation seed_like() {
    Simulation s;
    s.group = parse_aws_group(R"({"MinSize": 2, "MaxSize": 20, "DesiredCapacity": 10,
        "DefaultInstanceWarmup": 0})",
                              "g");
    s.policies.push_back(parse_aws_policy(R"({"PolicyName": "cpu",
        "PolicyType": "TargetTrackingScaling", "TargetTrackingConfiguration": {
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
        "TargetValue": 70}})",
                                          "p"));
    s.policies.push_back(parse_aws_policy(R"({"PolicyName": "emergency",
        "PolicyType": "StepScaling", "AdjustmentType": "ChangeInCapacity",
        "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 5}]})",
                                          "p"));
    s.alarms.push_back(parse_aws_alarm(R"({"AlarmName": "requests-high",
        "MetricName": "RequestCount", "Period": 60, "EvaluationPeriods": 1, "Threshold": 75000,
        "ComparisonOperator": "GreaterThanThreshold", "AlarmActions": ["emergency"]})",
                                       "a"));
    return s;
}

TEST(Simulation, ATraceBecomesOneRowPerEvaluation) {
    auto trace = parse_trace(
        "t_seconds,metric,value\n"
        "0,ASGAverageCPUUtilization,84\n60,ASGAverageCPUUtilization,84\n"
        "120,ASGAverageCPUUtilization,84\n180,ASGAverageCPUUtilization,60\n"
        "180,RequestCount,80000\n",
        "trace.csv");
    auto rows = lines(simulate(seed_like(), trace));
    ASSERT_EQ(rows.size(), 5u);  // the header and 60, 120, 180, 240
    EXPECT_EQ(rows[0],
              "t_seconds,desired,in_service,warming,cpu-AlarmHigh,cpu-AlarmLow,"
              "requests-high");
    // One point of three: not enough to alarm, enough to say OK (missing data stays
    // missing); the request alarm has no data yet.
    EXPECT_EQ(rows[1], "60,10,10,0,OK,OK,INSUFFICIENT_DATA");
    EXPECT_EQ(rows[3], "180,12,12,0,ALARM,OK,INSUFFICIENT_DATA");  // ceil(10 · 84 / 70)
    EXPECT_EQ(rows[4], "240,17,17,0,OK,OK,ALARM");                 // the emergency step: +5
}

TEST(Simulation, AnAlarmMustActOnAGivenStepOrSimplePolicy) {
    auto s = seed_like();
    s.alarms[0].actions = {"nowhere"};
    EXPECT_THROW(simulate(s, {}), std::invalid_argument);
    s.alarms[0].actions = {"cpu"};
    EXPECT_THROW(simulate(s, {}), std::invalid_argument);
}

TEST(Simulation, TraceErrorsNameTheLine) {
    try {
        parse_trace("t_seconds,metric,value\n0,cpu,1\n60,cpu\n", "trace.csv");
        ADD_FAILURE();
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()), "trace.csv:3: expected t_seconds,metric,value");
    }
    EXPECT_THROW(parse_trace("x,cpu,1\n", "t"), std::invalid_argument);
    EXPECT_THROW(parse_trace("0,cpu,lots\n", "t"), std::invalid_argument);
    EXPECT_THROW(parse_trace("-5,cpu,1\n", "t"), std::invalid_argument);
    EXPECT_EQ(parse_trace("60,b,2\n0,a,1\n", "t")[0].metric, "a");  // in time order
}

}  // namespace
}  // namespace mindme::scale
