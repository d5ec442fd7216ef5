// One test per rule of SCALING.md's "KEDA RabbitMQ trigger".
#include "scale/keda.hpp"

#include <gtest/gtest.h>

namespace mindme::scale {
namespace {

KedaSpec queue(double value = 20, int min = 0) {
    KedaSpec k;
    k.value = value;
    k.min_replicas = min;
    k.max_replicas = 50;
    k.behavior->scale_down.stabilization_window_seconds = 0;
    return k;
}

TEST(Keda, ReplicasAreTheQueuePerReplicaValueRoundedUp) {
    KedaScaler keda(queue());
    EXPECT_EQ(keda.poll(0, 2, 95), 5);   // ceil(95 / 20), within the rate limits
    EXPECT_EQ(keda.poll(30, 5, 42), 3);  // ceil(42 / 20)
    EXPECT_EQ(keda.poll(60, 3, 61), 3);  // 61 / 60: within the 10 % tolerance
    EXPECT_EQ(keda.poll(90, 3, 70), 4);  // 70 / 60: ceil(70 / 20)
}

TEST(Keda, ActivationDecidesZeroToOneOnly) {
    auto spec = queue();
    spec.activation_value = 5;
    KedaScaler keda(spec);
    EXPECT_EQ(keda.poll(0, 0, 5), 0);     // not above the activation value
    EXPECT_EQ(keda.poll(30, 0, 6), 1);    // active: one replica, the HPA goes on from there
    EXPECT_EQ(keda.poll(60, 1, 100), 5);  // ceil(100 / 20), within max(1 + 4, 2 × 1)
}

TEST(Keda, ScalesToZeroOnlyAfterTheCooldownSinceLastActive) {
    KedaScaler keda(queue());
    EXPECT_EQ(keda.poll(0, 1, 10), 1);
    EXPECT_EQ(keda.poll(30, 1, 0), 1);  // inactive since 30 s
    EXPECT_EQ(keda.poll(299, 1, 0), 1);
    EXPECT_EQ(keda.poll(300, 1, 0), 0);  // 300 s since the last active poll
    EXPECT_EQ(keda.poll(330, 0, 0), 0);
}

TEST(Keda, ANeverActiveTriggerScalesToZeroAtTheFirstPoll) {
    // KEDA takes a missing last-active time as long ago: no cooldown to wait out.
    KedaScaler keda(queue());
    EXPECT_EQ(keda.poll(0, 1, 0), 0);
    EXPECT_EQ(keda.poll(30, 0, 0), 0);
    EXPECT_EQ(keda.poll(60, 0, 3), 1);  // active: one replica
}

TEST(Keda, TheInitialCooldownCountsFromCreation) {
    auto spec = queue();
    spec.initial_cooldown_seconds = 120;
    KedaScaler keda(spec);
    EXPECT_EQ(keda.poll(0, 1, 0), 1);
    EXPECT_EQ(keda.poll(90, 1, 0), 1);
    EXPECT_EQ(keda.poll(120, 1, 0), 0);  // 120 s since the first poll
}

TEST(Keda, WithAMinimumAboveZeroItNeverScalesToZero) {
    KedaScaler keda(queue(20, 2));
    EXPECT_EQ(keda.poll(0, 2, 0), 2);
    EXPECT_EQ(keda.poll(1000, 2, 0), 2);
    EXPECT_EQ(keda.poll(1030, 0, 0), 2);  // from zero it comes back to the minimum
}

TEST(Keda, TheMaximumBounds) {
    KedaScaler keda(queue());
    EXPECT_EQ(keda.poll(0, 40, 100000), 50);
}

}  // namespace
}  // namespace mindme::scale
