// One test per rule of SCALING.md's "Group" and "Target tracking".
#include "scale/target_tracking.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mindme::scale {
namespace {

constexpr std::int64_t P = 60;

GroupSpec group_of(int desired, int min = 1, int max = 100) {
    GroupSpec g;
    g.min_size = min;
    g.max_size = max;
    g.desired = desired;
    g.default_instance_warmup = 300;
    return g;
}

TargetTrackingSpec cpu(double target = 70) {
    TargetTrackingSpec s;
    s.name = "cpu";
    s.target = target;
    return s;
}

// Feeds `value` for `periods` periods from minute `*minute` on, evaluating at the end
// of each; returns the desired capacity after the last.
int run(TargetTrackingScaler& scaler, std::int64_t& minute, int periods, double value,
        std::size_t policy = 0) {
    int desired = 0;
    for (int i = 0; i < periods; ++i) {
        scaler.record(policy, minute * P, value);
        ++minute;
        desired = scaler.evaluate(minute * P);
    }
    return desired;
}

TEST(Group, DesiredIsClampedAndLaunchesWarmUpBeforeTheyCount) {
    auto spec = group_of(2, 1, 5);
    spec.launch_seconds = 30;
    Group g(spec, 0);
    EXPECT_EQ(g.capacity(0), 2);
    EXPECT_EQ(g.set_desired(9, 0, 100), 5);
    EXPECT_EQ(g.pending(10), 3);
    EXPECT_EQ(g.in_service(30), 5);
    EXPECT_EQ(g.warming(30), 3);
    EXPECT_EQ(g.capacity(129), 2);
    EXPECT_EQ(g.capacity(130), 5);
    EXPECT_EQ(g.set_desired(0, 200, 100), 1);
}

TEST(Group, ScaleInCancelsPendingLaunchesFirst) {
    auto spec = group_of(2, 1, 10);
    spec.launch_seconds = 60;
    Group g(spec, 0);
    g.set_desired(4, 0, 0);
    g.set_desired(3, 30, 0);  // one of the two launches is cancelled
    EXPECT_EQ(g.pending(30), 1);
    EXPECT_EQ(g.in_service(30), 2);
}

TEST(Group, WarmupComesFromThePolicyThenTheGroupThenTheCooldown) {
    auto spec = group_of(1);
    spec.default_instance_warmup.reset();
    spec.default_cooldown = 300;
    Group plain(spec, 0);
    EXPECT_EQ(plain.warmup_for(std::nullopt), 300);
    EXPECT_EQ(plain.warmup_for(120), 120);
    spec.default_instance_warmup = 60;
    Group with_default(spec, 0);
    EXPECT_EQ(with_default.warmup_for(std::nullopt), 60);
}

TEST(Group, AGroupThatCannotBeIsRefusedByField) {
    EXPECT_THROW(Group(group_of(5, 1, 4), 0), std::invalid_argument);
    try {
        Group(group_of(1, 3, 2), 0);
        ADD_FAILURE();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("MaxSize"), std::string::npos);
    }
}

TEST(TargetTracking, ThreeHighPointsScaleOutToTheProposal) {
    Group g(group_of(10), 0);
    TargetTrackingScaler s(g, {cpu()});
    std::int64_t minute = 0;
    EXPECT_EQ(run(s, minute, 2, 84), 10);  // two of three
    EXPECT_EQ(run(s, minute, 1, 84), 12);  // ceil(10 · 84 / 70)
}

TEST(TargetTracking, AnInterruptedRunDoesNotScaleOut) {
    Group g(group_of(10), 0);
    TargetTrackingScaler s(g, {cpu()});
    std::int64_t minute = 0;
    run(s, minute, 2, 84);
    run(s, minute, 1, 60);
    EXPECT_EQ(run(s, minute, 2, 84), 10);
}

TEST(TargetTracking, FifteenLowPointsScaleIn) {
    Group g(group_of(10), 0);
    TargetTrackingScaler s(g, {cpu()});
    std::int64_t minute = 0;
    EXPECT_EQ(run(s, minute, 14, 35), 10);
    EXPECT_EQ(run(s, minute, 1, 35), 5);  // ceil(10 · 35 / 70)
}

TEST(TargetTracking, BetweenNinetyPercentAndTheTargetNothingMoves) {
    Group g(group_of(10), 0);
    TargetTrackingScaler s(g, {cpu()});
    std::int64_t minute = 0;
    EXPECT_EQ(run(s, minute, 30, 64), 10);  // 64 ≥ 0.9 · 70 = 63
}

TEST(TargetTracking, MissingDataDoesNotScale) {
    Group g(group_of(10), 0);
    TargetTrackingScaler s(g, {cpu()});
    EXPECT_EQ(s.evaluate(30 * P), 10);
    EXPECT_EQ(s.high_state(0), metrics::AlarmState::kInsufficientData);
}

TEST(TargetTracking, ScaleInCanBeDisabled) {
    Group g(group_of(10), 0);
    auto spec = cpu();
    spec.disable_scale_in = true;
    TargetTrackingScaler s(g, {spec});
    std::int64_t minute = 0;
    EXPECT_EQ(run(s, minute, 20, 10), 10);
}

TEST(TargetTracking, NoScaleInWhileInstancesWarm) {
    auto spec = group_of(10);
    spec.default_instance_warmup = 20 * P;
    Group g(spec, 0);
    TargetTrackingScaler s(g, {cpu()});
    std::int64_t minute = 0;
    EXPECT_EQ(run(s, minute, 3, 84), 12);   // two instances warm until minute 23
    EXPECT_EQ(run(s, minute, 15, 10), 12);  // the low alarm holds from minute 18: blocked
    EXPECT_EQ(s.low_state(0), metrics::AlarmState::kAlarm);
    EXPECT_EQ(run(s, minute, 4, 10), 12);
    EXPECT_EQ(run(s, minute, 1, 10), 2);  // minute 23: none warming, ceil(12 · 10 / 70)
}

TEST(TargetTracking, WarmingInstancesDoNotCountSoAStillHighAlarmDoesNotOvershoot) {
    Group g(group_of(10), 0);
    TargetTrackingScaler s(g, {cpu()});
    std::int64_t minute = 0;
    EXPECT_EQ(run(s, minute, 3, 84), 12);
    // Still high: the alarm acts every minute, but over 10 warm instances the proposal
    // stays 12 until the new ones count.
    EXPECT_EQ(run(s, minute, 4, 84), 12);
    EXPECT_EQ(run(s, minute, 1, 84), 15);  // warm now: ceil(12 · 84 / 70)
}

TEST(TargetTracking, SeveralPoliciesOutIfAnyInOnlyIfAllLargestWins) {
    Group g(group_of(10), 0);
    TargetTrackingScaler s(g, {cpu(70), cpu(1000)});
    std::int64_t minute = 0;
    for (int i = 0; i < 3; ++i) {
        s.record(0, minute * P, 84);   // out: 12
        s.record(1, minute * P, 500);  // in: 5
        ++minute;
        s.evaluate(minute * P);
    }
    EXPECT_EQ(g.desired(), 12);
    // Both low: in once both low alarms hold (the second policy's has since minute 0,
    // the first's from minute 3 on: 15 points at minute 18), to the larger proposal.
    while (g.desired() == 12 && minute < 40) {
        s.record(0, minute * P, 35);   // ceil(12 · 35 / 70) = 6
        s.record(1, minute * P, 800);  // ceil(12 · 800 / 1000) = 10
        ++minute;
        s.evaluate(minute * P);
    }
    EXPECT_EQ(minute, 18);
    EXPECT_EQ(g.desired(), 10);
}

TEST(TargetTracking, OnePolicyNotLowKeepsTheOthersFromScalingIn) {
    Group g(group_of(10), 0);
    TargetTrackingScaler s(g, {cpu(70), cpu(1000)});
    std::int64_t minute = 0;
    for (int i = 0; i < 30; ++i) {
        s.record(0, minute * P, 10);
        s.record(1, minute * P, 950);  // not below 900
        ++minute;
        s.evaluate(minute * P);
    }
    EXPECT_EQ(g.desired(), 10);
}

TEST(TargetTracking, ApplicationAutoScalingCooldowns) {
    auto spec = group_of(10);
    spec.default_instance_warmup = 0;  // the new capacity counts at once: only the cooldown
    Group g(spec, 0);
    TargetTrackingScaler s(g, {cpu()}, Cooldowns{300, 600, 0});
    std::int64_t minute = 0;
    EXPECT_EQ(run(s, minute, 3, 84), 12);
    // In the scale-out cooldown, a larger proposal from the capacity before it: 10 · 105
    // / 70 = 15 > 12 (not 12 · 105 / 70 = 18).
    EXPECT_EQ(run(s, minute, 1, 105), 15);
    EXPECT_EQ(run(s, minute, 1, 84), 15);  // 10 · 84 / 70 = 12 is not larger
    // The second scale-out (minute 4) started the cooldown again: until minute 9 the
    // capacity before the first one still rules; then all of it counts.
    EXPECT_EQ(run(s, minute, 3, 84), 15);
    EXPECT_EQ(run(s, minute, 1, 84), 18);  // ceil(15 · 84 / 70)
}

TEST(TargetTracking, AScaleInCooldownBlocksScaleInButNotScaleOut) {
    auto spec = group_of(20);
    spec.default_instance_warmup = 0;
    Group g(spec, 0);
    TargetTrackingScaler s(g, {cpu()}, Cooldowns{300, 600, 0});
    std::int64_t minute = 0;
    EXPECT_EQ(run(s, minute, 15, 35), 10);
    EXPECT_EQ(run(s, minute, 5, 20), 10);  // low, in the 600 s scale-in cooldown
    EXPECT_EQ(run(s, minute, 3, 84), 12);  // out at once, ending the cooldown
}

TEST(TargetTracking, APolicyWithoutAPositiveTargetIsRefused) {
    Group g(group_of(1), 0);
    EXPECT_THROW(TargetTrackingScaler(g, {cpu(0)}), std::invalid_argument);
}

}  // namespace
}  // namespace mindme::scale
