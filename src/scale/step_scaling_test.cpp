// One test per rule of SCALING.md's "Step scaling" arithmetic.
#include "scale/step_scaling.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace mindme::scale {
namespace {

using std::nullopt;

// The seed's shape: scale out by 10 % from 0 to 10 points over, by 30 % beyond.
StepPolicy out_policy() {
    return {
        AdjustmentType::kPercentChangeInCapacity, {{0.0, 10.0, 10}, {10.0, nullopt, 30}}, nullopt};
}

TEST(StepScaling, AboveTheThresholdAStepHoldsItsLowerBound) {
    auto p = out_policy();
    EXPECT_EQ(matching_step(p, 70, 70)->adjustment, 10);  // d = 0: lower ≤ d
    EXPECT_EQ(matching_step(p, 79.9, 70)->adjustment, 10);
    EXPECT_EQ(matching_step(p, 80, 70)->adjustment, 30);  // d = 10 belongs above
    EXPECT_EQ(matching_step(p, 1e9, 70)->adjustment, 30);
}

TEST(StepScaling, BelowTheThresholdAStepHoldsItsUpperBound) {
    StepPolicy in{
        AdjustmentType::kChangeInCapacity, {{-10.0, 0.0, -1}, {nullopt, -10.0, -2}}, nullopt};
    EXPECT_EQ(matching_step(in, 29.9, 30)->adjustment, -1);
    EXPECT_EQ(matching_step(in, 20, 30)->adjustment, -2);  // d = −10: lower < d fails
    EXPECT_EQ(matching_step(in, 20.1, 30)->adjustment, -1);
    EXPECT_EQ(matching_step(in, -1e9, 30)->adjustment, -2);
}

TEST(StepScaling, AValueNoStepCoversMatchesNone) {
    auto p = out_policy();
    EXPECT_EQ(matching_step(p, 69, 70), nullptr);
}

TEST(StepScaling, ChangeAndExactCapacity) {
    StepPolicy change{AdjustmentType::kChangeInCapacity, {{0.0, nullopt, 3}}, nullopt};
    EXPECT_EQ(requested_capacity(change, 3, 10), 13);
    EXPECT_EQ(requested_capacity(change, -4, 10), 6);
    StepPolicy exact{AdjustmentType::kExactCapacity, {{0.0, nullopt, 7}}, nullopt};
    EXPECT_EQ(requested_capacity(exact, 7, 50), 7);
}

TEST(StepScaling, PercentChangesRoundAsAwsDoes) {
    StepPolicy p{AdjustmentType::kPercentChangeInCapacity, {{0.0, nullopt, 10}}, nullopt};
    EXPECT_EQ(requested_capacity(p, 10, 25), 27);   // x = 2.5 → 2
    EXPECT_EQ(requested_capacity(p, 10, 5), 6);     // x = 0.5 → 1
    EXPECT_EQ(requested_capacity(p, -10, 5), 4);    // x = −0.5 → −1
    EXPECT_EQ(requested_capacity(p, -10, 25), 23);  // x = −2.5 → −2 (toward zero)
    EXPECT_EQ(requested_capacity(p, 100, 50), 100);
    EXPECT_EQ(requested_capacity(p, 0, 50), 50);
}

TEST(StepScaling, MinAdjustmentMagnitudeRaisesTheChangeBothWays) {
    StepPolicy p{AdjustmentType::kPercentChangeInCapacity, {{0.0, nullopt, 10}}, 5};
    EXPECT_EQ(requested_capacity(p, 10, 25), 30);   // 2 → 5
    EXPECT_EQ(requested_capacity(p, -10, 25), 20);  // −2 → −5
    EXPECT_EQ(requested_capacity(p, 50, 40), 60);   // 20 is already more
}

void expect_refused(const StepPolicy& p, const std::string& words) {
    try {
        validate(p);
        ADD_FAILURE() << "accepted; expected: " << words;
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
}

TEST(StepScaling, ValidStepsPass) {
    EXPECT_NO_THROW(validate(out_policy()));
    EXPECT_NO_THROW(validate(StepPolicy{
        AdjustmentType::kChangeInCapacity, {{nullopt, -10.0, -2}, {-10.0, 0.0, -1}}, nullopt}));
}

TEST(StepScaling, StepsMayNeitherLeaveGapsNorOverlap) {
    expect_refused(
        {AdjustmentType::kChangeInCapacity, {{0.0, 10.0, 1}, {20.0, nullopt, 2}}, nullopt},
        "a gap between [0, 10) and [20, +inf)");
    expect_refused(
        {AdjustmentType::kChangeInCapacity, {{0.0, 15.0, 1}, {10.0, nullopt, 2}}, nullopt},
        "overlap");
}

TEST(StepScaling, AtMostOneUnboundedEndOfEachKindAndNeverBoth) {
    expect_refused(
        {AdjustmentType::kChangeInCapacity, {{0.0, nullopt, 1}, {5.0, nullopt, 2}}, nullopt},
        "only one step may have no MetricIntervalUpperBound");
    expect_refused(
        {AdjustmentType::kChangeInCapacity, {{nullopt, 0.0, 1}, {nullopt, 5.0, 2}}, nullopt},
        "only one step may have no MetricIntervalLowerBound");
    expect_refused({AdjustmentType::kChangeInCapacity, {{nullopt, nullopt, 1}}, nullopt},
                   "needs MetricIntervalLowerBound or MetricIntervalUpperBound");
    expect_refused({AdjustmentType::kChangeInCapacity, {{5.0, 5.0, 1}}, nullopt},
                   "lower bound not below its upper bound");
    expect_refused({AdjustmentType::kChangeInCapacity, {}, nullopt}, "at least one step");
}

TEST(StepScaling, AdjustmentFieldsAreChecked) {
    expect_refused({AdjustmentType::kExactCapacity, {{0.0, nullopt, -1}}, nullopt},
                   "ExactCapacity needs a ScalingAdjustment of 0 or more");
    expect_refused({AdjustmentType::kChangeInCapacity, {{0.0, nullopt, 1}}, 2},
                   "applies to PercentChangeInCapacity only");
    expect_refused({AdjustmentType::kPercentChangeInCapacity, {{0.0, nullopt, 1}}, 0},
                   "at least 1");
}

}  // namespace
}  // namespace mindme::scale
