// Conditions in the seeds' words: metric, comparison, quantity, periods, action.
#include "scale/condition.hpp"

#include <gtest/gtest.h>

namespace mindme::scale {
namespace {

TEST(Condition, TheSeedsTriggersReadAsWritten) {
    auto out = parse_condition("CPU > 70% for 2 consecutive periods", "t");
    EXPECT_EQ(out.metric, Metric::kCpu);
    EXPECT_EQ(out.comparison, metrics::Comparison::kGreaterThanThreshold);
    EXPECT_DOUBLE_EQ(out.threshold, 70);
    EXPECT_EQ(out.periods, 2);
    EXPECT_EQ(out.datapoints, 2);
    EXPECT_FALSE(out.action);

    auto in = parse_condition("CPU < 30% for 5 consecutive periods", "t");
    EXPECT_EQ(in.comparison, metrics::Comparison::kLessThanThreshold);
    EXPECT_DOUBLE_EQ(in.threshold, 30);
    EXPECT_EQ(in.periods, 5);

    auto emergency = parse_condition("Request Count > 75,000/minute", "t");
    EXPECT_EQ(emergency.metric, Metric::kRequests);
    EXPECT_DOUBLE_EQ(emergency.threshold, 75000);
    EXPECT_EQ(emergency.periods, 1);
    EXPECT_EQ(emergency.datapoints, 1);
}

TEST(Condition, TheSeedsAlarmsReadAsWritten) {
    EXPECT_EQ(parse_condition("CPU Utilization > 80%", "a").metric, Metric::kCpu);
    EXPECT_EQ(parse_condition("Memory Utilization > 85%", "a").metric, Metric::kMemory);
    EXPECT_DOUBLE_EQ(parse_condition("Request Count > 50,000/minute", "a").threshold, 50000);
    auto errors = parse_condition("Error Rate > 5%", "a");
    EXPECT_EQ(errors.metric, Metric::kErrorRate);
    EXPECT_DOUBLE_EQ(errors.threshold, 5);
    auto slow = parse_condition("Response Time > 2 seconds", "a");
    EXPECT_EQ(slow.metric, Metric::kResponseTime);
    EXPECT_DOUBLE_EQ(slow.threshold, 2);
}

TEST(Condition, MOfNAndInclusiveComparisons) {
    auto c = parse_condition("cpu_utilization >= 90 % for 3 of 5 periods", "t");
    EXPECT_EQ(c.comparison, metrics::Comparison::kGreaterThanOrEqualToThreshold);
    EXPECT_EQ(c.datapoints, 3);
    EXPECT_EQ(c.periods, 5);
    auto d = parse_condition("Queue Depth <= 10 for 2 out of 4 periods", "t");
    EXPECT_EQ(d.metric, Metric::kQueueDepth);
    EXPECT_EQ(d.comparison, metrics::Comparison::kLessThanOrEqualToThreshold);
    EXPECT_EQ(d.datapoints, 2);
    EXPECT_EQ(d.periods, 4);
}

TEST(Condition, UnitsConvertToTheMetricsOwn) {
    EXPECT_DOUBLE_EQ(parse_condition("Response Time > 500ms", "t").threshold, 0.5);
    EXPECT_DOUBLE_EQ(parse_condition("Latency > 1 minute", "t").threshold, 60);
    EXPECT_DOUBLE_EQ(parse_condition("Requests > 20/s", "t").threshold, 1200);
    EXPECT_DOUBLE_EQ(parse_quantity("1,000/minute", Metric::kRequestsPerInstance, "x"), 1000);
    EXPECT_EQ(parse_seconds("300 seconds", "x"), 300);
    EXPECT_EQ(parse_seconds("5 minutes", "x"), 300);
    EXPECT_EQ(parse_seconds("90s", "x"), 90);
}

TEST(Condition, ActionsFollowTheLastCommaBeforeAWord) {
    auto add = parse_condition("Request Count > 75,000/minute, add 25%", "t");
    EXPECT_DOUBLE_EQ(add.threshold, 75000);
    ASSERT_TRUE(add.action);
    EXPECT_EQ(add.action->type, AdjustmentType::kPercentChangeInCapacity);
    EXPECT_EQ(add.action->adjustment, 25);
    auto remove = parse_condition("CPU < 30% for 5 consecutive periods, remove 2", "t");
    EXPECT_EQ(remove.periods, 5);
    EXPECT_EQ(remove.action->type, AdjustmentType::kChangeInCapacity);
    EXPECT_EQ(remove.action->adjustment, -2);
    auto set = parse_condition("CPU > 95%, set 100", "t");
    EXPECT_EQ(set.action->type, AdjustmentType::kExactCapacity);
    EXPECT_EQ(set.action->adjustment, 100);
}

void expect_refused(const char* text, const char* says) {
    try {
        parse_condition(text, "triggers.x");
        ADD_FAILURE() << text << " was accepted";
    } catch (const std::invalid_argument& e) {
        std::string what = e.what();
        EXPECT_TRUE(what.starts_with("triggers.x: ")) << what;
        EXPECT_NE(what.find(says), std::string::npos) << what;
    }
}

TEST(Condition, BadConditionsAreRefusedSayingWhy) {
    expect_refused("Disk > 80%", "unknown metric \"Disk\"");
    expect_refused("CPU 80%", "expected \"METRIC > VALUE\"");
    expect_refused("CPU > 5 seconds", "expected a number in %");
    expect_refused("Response Time > 2%", "expected a number in seconds");
    expect_refused("CPU > lots", "expected a number");
    expect_refused("CPU > 70% for 5 of 3 periods", "M ≤ N");
    expect_refused("CPU > 70% for ever", "for N consecutive periods");
    expect_refused("CPU > 70% for 0 periods", "for N consecutive periods");
    expect_refused("CPU > 70%, set 10%", "\"set\" takes a number of instances");
    expect_refused("CPU > 70%, double it", "the action must be");
    expect_refused("CPU > 70%, add 1.5", "whole number");
}

}  // namespace
}  // namespace mindme::scale
