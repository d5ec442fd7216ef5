// Step and simple scaling activities on a group (SCALING.md, "Step scaling").
#include "scale/step_scaler.hpp"

#include <gtest/gtest.h>

namespace mindme::scale {
namespace {

constexpr std::int64_t P = 60;
using std::nullopt;

Group group_of(int desired, std::int64_t warmup = 300, std::int64_t launch = 0) {
    GroupSpec g;
    g.min_size = 1;
    g.max_size = 100;
    g.desired = desired;
    g.default_instance_warmup = warmup;
    g.launch_seconds = launch;
    return Group(g, 0);
}

metrics::AlarmSpec cpu_above(double threshold) {
    metrics::AlarmSpec a;
    a.name = "cpu-high";
    a.evaluation_periods = 1;
    a.comparison = metrics::Comparison::kGreaterThanThreshold;
    a.threshold = threshold;
    return a;
}

metrics::AlarmSpec cpu_below(double threshold) {
    auto a = cpu_above(threshold);
    a.name = "cpu-low";
    a.comparison = metrics::Comparison::kLessThanThreshold;
    return a;
}

template <class Scaler>
int at(Scaler& s, std::int64_t minute, double value) {
    s.record(minute * P, value);
    return s.evaluate((minute + 1) * P);
}

StepScalingSpec out_steps() {
    return {{AdjustmentType::kChangeInCapacity, {{0.0, 10.0, 1}, {10.0, nullopt, 3}}, nullopt},
            cpu_above(70),
            nullopt};
}

TEST(StepScaler, TheMatchingStepAdjustsFromTheCapacityWithoutWarmingInstances) {
    auto g = group_of(10);
    StepScaler s(g, out_steps());
    EXPECT_EQ(at(s, 0, 75), 11);  // step [0, 10): +1
    EXPECT_EQ(at(s, 1, 85), 13);  // step [10, ∞): +3 on 10 warm instances, not on 11
}

TEST(StepScaler, TheMetricAggregationTypeReadsThePeriodsDatapoints) {
    // Two datapoints in one period, 72 and 84 (threshold 70): the average (78) and the
    // minimum fall in [0, 10), the maximum in [10, ∞).
    auto run = [](metrics::Statistic aggregation) {
        auto g = group_of(10);
        auto spec = out_steps();
        spec.policy.aggregation = aggregation;
        StepScaler s(g, spec);
        s.record(0, 72);
        s.record(30, 84);
        return s.evaluate(P);
    };
    EXPECT_EQ(run(metrics::Statistic::kAverage), 11);
    EXPECT_EQ(run(metrics::Statistic::kMinimum), 11);
    EXPECT_EQ(run(metrics::Statistic::kMaximum), 13);
}

TEST(StepScaler, RepeatedAlarmsWithinOneStepMakeOneActivity) {
    auto g = group_of(10);
    StepScaler s(g, out_steps());
    EXPECT_EQ(at(s, 0, 75), 11);
    EXPECT_EQ(at(s, 1, 75), 11);  // the alarm acts again: still 10 + 1
    EXPECT_EQ(at(s, 2, 75), 11);
    EXPECT_EQ(at(s, 5, 75), 12);  // warm now: 11 + 1
}

TEST(StepScaler, ScaleInWaitsWhileInstancesWarm) {
    auto g = group_of(10);
    StepScaler out(g, out_steps());
    StepScaler in(g, {{AdjustmentType::kChangeInCapacity, {{nullopt, 0.0, -2}}, nullopt},
                      cpu_below(30),
                      nullopt});
    EXPECT_EQ(at(out, 0, 75), 11);
    EXPECT_EQ(at(in, 1, 20), 11);  // an instance warms until 360 s
    EXPECT_EQ(at(in, 4, 20), 11);  // evaluated at 300 s
    EXPECT_EQ(at(in, 5, 20), 9);   // 360 s
}

TEST(StepScaler, PercentStepsRoundOnTheGroup) {
    auto g = group_of(25);
    StepScaler s(g, {{AdjustmentType::kPercentChangeInCapacity, {{0.0, nullopt, 10}}, 3},
                     cpu_above(70),
                     nullopt});
    EXPECT_EQ(at(s, 0, 80), 28);  // 2.5 → 2, raised to MinAdjustmentMagnitude 3
}

TEST(StepScaler, ExactCapacityIsClampedToTheGroup) {
    auto g = group_of(10);
    StepScaler s(
        g,
        {{AdjustmentType::kExactCapacity, {{0.0, nullopt, 500}}, nullopt}, cpu_above(70), nullopt});
    EXPECT_EQ(at(s, 0, 80), 100);
}

TEST(StepScaler, BadStepsAreRefused) {
    auto g = group_of(10);
    EXPECT_THROW(
        StepScaler(g, {{AdjustmentType::kChangeInCapacity, {{nullopt, nullopt, 1}}, nullopt},
                       cpu_above(70),
                       nullopt}),
        std::invalid_argument);
}

TEST(SimpleScaler, AlarmsWaitForTheActivityAndTheCooldown) {
    auto g = group_of(10, 0, 60);  // launches take a minute
    SimpleScalingSpec spec;
    spec.adjustment = 2;
    spec.alarm = cpu_above(70);
    spec.cooldown = 300;
    SimpleScaler s(g, spec);
    EXPECT_EQ(at(s, 0, 90), 12);  // at 60 s; in service at 120 s; cooldown until 420 s
    EXPECT_EQ(at(s, 1, 90), 12);
    EXPECT_EQ(at(s, 5, 90), 12);  // evaluated at 360 s
    EXPECT_EQ(at(s, 6, 90), 14);  // 420 s
}

TEST(SimpleScaler, WithoutItsOwnCooldownTheGroupsApplies) {
    auto g = group_of(10, 0, 0);
    SimpleScalingSpec spec;
    spec.adjustment = -1;
    spec.alarm = cpu_below(30);
    SimpleScaler s(g, spec);
    EXPECT_EQ(at(s, 0, 10), 9);  // at 60 s; DefaultCooldown 300 s
    EXPECT_EQ(at(s, 3, 10), 9);  // 240 s
    EXPECT_EQ(at(s, 5, 10), 8);  // 360 s
}

}  // namespace
}  // namespace mindme::scale
