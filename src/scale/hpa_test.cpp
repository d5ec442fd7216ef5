// One test per rule of SCALING.md's "Kubernetes HPA".
#include "scale/hpa.hpp"

#include <gtest/gtest.h>

namespace mindme::scale {
namespace {

HpaMetric cpu(std::vector<double> ready, double target = 50) {
    HpaMetric m;
    m.ready_values = std::move(ready);
    m.target = target;
    return m;
}

HpaSpec spec(int min = 1, int max = 100) {
    HpaSpec s;
    s.min_replicas = min;
    s.max_replicas = max;
    return s;
}

TEST(HpaProposal, WithinTheToleranceTheReplicasStay) {
    EXPECT_FALSE(hpa_metric_proposal(spec(), cpu({54, 54}), 2));  // ratio 1.08
    EXPECT_FALSE(hpa_metric_proposal(spec(), cpu({46, 46}), 2));  // ratio 0.92
    EXPECT_EQ(hpa_metric_proposal(spec(), cpu({60, 60}), 2), 3);  // ceil(1.2 × 2)
    EXPECT_EQ(hpa_metric_proposal(spec(), cpu({10, 10}), 2), 1);  // ceil(0.2 × 2)
    auto loose = spec();
    loose.tolerance_up = 0.5;  // per direction
    EXPECT_FALSE(hpa_metric_proposal(loose, cpu({60, 60}), 2));
    EXPECT_EQ(hpa_metric_proposal(loose, cpu({10, 10}), 2), 1);
}

TEST(HpaProposal, UtilizationIsWholePercent) {
    EXPECT_FALSE(hpa_metric_proposal(spec(), cpu({55.9}), 1));  // 55 % of 50: 1.1
    EXPECT_EQ(hpa_metric_proposal(spec(), cpu({56}), 1), 2);
}

TEST(HpaProposal, MissingPodsCountAsAtTargetWhenScalingDown) {
    auto m = cpu({20, 20});
    EXPECT_EQ(hpa_metric_proposal(spec(), m, 4), 1);  // ceil(0.4 × 2)
    m.missing = 2;  // (20 + 20 + 50 + 50) / 4 = 35: ratio 0.7 over 4 pods
    EXPECT_EQ(hpa_metric_proposal(spec(), m, 4), 3);
}

TEST(HpaProposal, MissingAndUnreadyPodsCountAsIdleWhenScalingUp) {
    auto m = cpu({100, 100});
    EXPECT_EQ(hpa_metric_proposal(spec(), m, 4), 4);  // ceil(2 × 2)
    m.unready = 1;
    m.missing = 1;  // 200 / 4 = 50: at target, so no change
    EXPECT_FALSE(hpa_metric_proposal(spec(), m, 4));
    m.unready = 1;
    m.missing = 0;  // 200 / 3 = 66: ratio 1.32 over 3 pods
    EXPECT_EQ(hpa_metric_proposal(spec(), m, 3), 4);
}

TEST(HpaProposal, ACorrectionThatReversesTheDirectionKeepsTheReplicas) {
    auto m = cpu({60});  // 1.2: up
    m.missing = 1;
    m.unready = 1;  // 60 / 3 = 20: down after the correction
    EXPECT_FALSE(hpa_metric_proposal(spec(), m, 3));
}

TEST(HpaProposal, UnreadyPodsDoNotHoldAScaleDown) {
    auto m = cpu({10, 10});
    m.unready = 3;
    EXPECT_EQ(hpa_metric_proposal(spec(), m, 5), 1);
}

TEST(Hpa, TheLargestProposalAcrossMetricsWins) {
    Hpa hpa(spec());
    EXPECT_EQ(hpa.reconcile(0, 4, {cpu({100, 100, 100, 100}), cpu({10, 10, 10, 10})}), 8);
}

TEST(Hpa, AFailedMetricStopsAScaleDownButNotAScaleUp) {
    HpaMetric failed;
    failed.failed = true;
    auto no_window = spec();
    no_window.behavior->scale_down.stabilization_window_seconds = 0;
    Hpa down(no_window);
    EXPECT_EQ(down.reconcile(0, 4, {cpu({10, 10, 10, 10}), failed}), 4);
    Hpa up(no_window);
    EXPECT_EQ(up.reconcile(0, 4, {cpu({100, 100, 100, 100}), failed}), 8);
    Hpa none(no_window);
    EXPECT_EQ(none.reconcile(0, 4, {failed}), 4);
}

TEST(Hpa, TheFirstReconcileSeedsTheDownWindowWithTheCurrentReplicas) {
    Hpa hpa(spec());
    // Idle from the start: the 300 s window holds the 10 running replicas.
    EXPECT_EQ(hpa.reconcile(0, 10, {cpu(std::vector<double>(10, 5))}), 10);
    EXPECT_EQ(hpa.reconcile(285, 10, {cpu(std::vector<double>(10, 5))}), 10);
    EXPECT_EQ(hpa.reconcile(300, 10, {cpu(std::vector<double>(10, 5))}), 1);
}

TEST(Hpa, DownStabilizationTakesTheHighestRecommendationOfTheWindow) {
    Hpa hpa(spec());
    EXPECT_EQ(hpa.reconcile(0, 4, {cpu({50, 50, 50, 50})}), 4);
    EXPECT_EQ(hpa.reconcile(15, 4, {cpu({200, 200, 200, 200})}), 8);  // 16, rate-limited
    // Load gone: the recommendation of 16 holds the replicas until it leaves the window.
    EXPECT_EQ(hpa.reconcile(30, 8, {cpu(std::vector<double>(8, 5))}), 8);
    EXPECT_EQ(hpa.reconcile(300, 8, {cpu(std::vector<double>(8, 5))}), 8);
    EXPECT_EQ(hpa.reconcile(315, 8, {cpu(std::vector<double>(8, 5))}), 1);
}

TEST(Hpa, AnUpWindowTakesTheLowestRecommendation) {
    auto s = spec();
    s.behavior->scale_up.stabilization_window_seconds = 60;
    Hpa hpa(s);
    EXPECT_EQ(hpa.reconcile(0, 4, {cpu({50, 50, 50, 50})}), 4);
    EXPECT_EQ(hpa.reconcile(15, 4, {cpu({100, 100, 100, 100})}), 4);  // 4 in the window
    EXPECT_EQ(hpa.reconcile(60, 4, {cpu({100, 100, 100, 100})}), 8);  // it has left
}

TEST(Hpa, DefaultScaleUpIsTheLargerOfDoublingAndFourPodsPerFifteenSeconds) {
    Hpa small(spec());
    EXPECT_EQ(small.reconcile(0, 2, {cpu({500, 500})}), 6);  // max(2 + 4, 2 × 2)
    Hpa large(spec());
    EXPECT_EQ(large.reconcile(0, 10, {cpu(std::vector<double>(10, 500))}), 20);
}

TEST(Hpa, RateLimitsCountWhatThePeriodAlreadyAdded) {
    Hpa hpa(spec());
    EXPECT_EQ(hpa.reconcile(0, 2, {cpu({500, 500})}), 6);
    // Within the same 15 s the period started at 2: nothing more.
    EXPECT_EQ(hpa.reconcile(10, 6, {cpu(std::vector<double>(6, 500))}), 6);
    // A new period starts at 6: max(6 + 4, 12).
    EXPECT_EQ(hpa.reconcile(15, 6, {cpu(std::vector<double>(6, 500))}), 12);
}

TEST(Hpa, SelectPolicyMinAndDisabled) {
    auto s = spec();
    s.behavior->scale_up.select = HpaRules::Select::kMin;
    Hpa min(s);
    EXPECT_EQ(min.reconcile(0, 10, {cpu(std::vector<double>(10, 500))}), 14);  // 10 + 4
    s.behavior->scale_up.select = HpaRules::Select::kDisabled;
    Hpa disabled(s);
    EXPECT_EQ(disabled.reconcile(0, 10, {cpu(std::vector<double>(10, 500))}), 10);
}

TEST(Hpa, ScaleDownPoliciesLimitTheRate) {
    auto s = spec();
    s.behavior->scale_down.stabilization_window_seconds = 0;
    s.behavior->scale_down.policies = {{HpaPolicy::Kind::kPods, 2, 60},
                                       {HpaPolicy::Kind::kPercent, 10, 60}};
    Hpa hpa(s);  // Max: the policy that allows more, here 2 pods
    EXPECT_EQ(hpa.reconcile(0, 10, {cpu(std::vector<double>(10, 5))}), 8);
    EXPECT_EQ(hpa.reconcile(30, 8, {cpu(std::vector<double>(8, 5))}), 8);  // same period
    EXPECT_EQ(hpa.reconcile(60, 8, {cpu(std::vector<double>(8, 5))}), 6);
    s.behavior->scale_down.select = HpaRules::Select::kMin;  // floor(10 × 0.9) = 9
    Hpa min(s);
    EXPECT_EQ(min.reconcile(0, 10, {cpu(std::vector<double>(10, 5))}), 9);
}

TEST(Hpa, ReplicasStayWithinMinAndMax) {
    Hpa hpa(spec(3, 5));
    EXPECT_EQ(hpa.reconcile(0, 4, {cpu({500, 500, 500, 500})}), 5);
    auto s = spec(3, 5);
    s.behavior->scale_down.stabilization_window_seconds = 0;
    Hpa down(s);
    EXPECT_EQ(down.reconcile(0, 4, {cpu({1, 1, 1, 1})}), 3);
}

TEST(Hpa, WithoutBehaviorTheLegacyRulesApply) {
    auto s = spec();
    s.behavior.reset();
    Hpa hpa(s);
    // Up at most max(2 × current, 4) at once; no seeded window.
    EXPECT_EQ(hpa.reconcile(0, 1, {cpu({1000})}), 4);
    EXPECT_EQ(hpa.reconcile(15, 4, {cpu({1000, 1000, 1000, 1000})}), 8);
    // Down held by the highest recommendation of the last 300 s (80, at 15 s).
    EXPECT_EQ(hpa.reconcile(30, 8, {cpu(std::vector<double>(8, 5))}), 8);
    EXPECT_EQ(hpa.reconcile(316, 8, {cpu(std::vector<double>(8, 5))}), 1);
}

}  // namespace
}  // namespace mindme::scale
