#include "loadgen/arrivals.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mindme::loadgen {
namespace {

using std::chrono::seconds;

std::vector<Micros> all(ArrivalSchedule s) {
    std::vector<Micros> out;
    for (int guard = 0; guard < 10'000'000; ++guard) {
        auto t = s.next();
        if (!t) break;
        out.push_back(*t);
    }
    return out;
}

TEST(ArrivalSchedule, AConstantRateIsEvenlySpaced) {
    ArrivalSchedule s(100, {{seconds(10), 100}});
    auto times = all(s);
    ASSERT_EQ(times.size(), 1000u);
    EXPECT_EQ(s.total(), 1000u);
    EXPECT_EQ(times[0], Micros(5000));  // the middle of the first 10 ms slot
    for (std::size_t i = 1; i < times.size(); ++i)
        EXPECT_EQ((times[i] - times[i - 1]).count(), 10'000) << i;
    EXPECT_LT(times.back(), seconds(10));
}

TEST(ArrivalSchedule, ARampFollowsTheIntegralOfTheRate) {
    // 0 → 100/s over 10 s: 500 arrivals, a quarter of them in the first half.
    ArrivalSchedule s(0, {{seconds(10), 100}});
    auto times = all(s);
    ASSERT_EQ(times.size(), 500u);
    auto first_half =
        std::count_if(times.begin(), times.end(), [](Micros t) { return t < seconds(5); });
    EXPECT_NEAR(static_cast<double>(first_half), 125, 1);
    for (std::size_t i = 1; i < times.size(); ++i) EXPECT_GT(times[i], times[i - 1]);
    // The gaps shrink as the rate grows.
    EXPECT_GT(times[1] - times[0], times[499] - times[498]);
}

TEST(ArrivalSchedule, StagesChainRampUpHoldRampDown) {
    ArrivalSchedule s(0, {{seconds(2), 50}, {seconds(4), 50}, {seconds(2), 0}});
    auto times = all(s);
    // 50 + 200 + 50
    ASSERT_EQ(times.size(), 300u);
    EXPECT_EQ(s.total(), 300u);
    EXPECT_EQ(s.length(), seconds(8));
    auto hold = std::count_if(times.begin(), times.end(),
                              [](Micros t) { return t >= seconds(2) && t < seconds(6); });
    EXPECT_NEAR(static_cast<double>(hold), 200, 1);
    EXPECT_LT(times.back(), seconds(8));
}

TEST(ArrivalSchedule, NoStagesNoArrivals) {
    ArrivalSchedule s(100, {});
    EXPECT_FALSE(s.next());
    EXPECT_EQ(s.total(), 0u);
}

TEST(CorrectedLatency, AStallIsChargedToEveryRequestQueuedBehindIt) {
    // Meant to start at 0 ms, sent at 900 ms (the connection was busy), done at 1 s:
    // the user waited a second, not 100 ms.
    EXPECT_EQ(corrected_latency(Micros(0), Micros(900'000), Micros(1'000'000)), Micros(1'000'000));
    // Sent ahead of schedule (closed model): the service time counts.
    EXPECT_EQ(corrected_latency(Micros(500), Micros(0), Micros(2000)), Micros(2000));
}

}  // namespace
}  // namespace mindme::loadgen
