#include "guard/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace mindme::guard {
namespace {

using namespace std::chrono_literals;
using TimePoint = RateLimiter::TimePoint;

// A time at the very start of a fixed window of `window`.
TimePoint window_start(std::chrono::seconds window, int index = 1000) {
    return TimePoint(window * index);
}

TEST(RateLimiter, AllowsExactlyTheLimitThenRefuses) {
    RateLimiter limiter({.limit = 100, .window = 60s});
    auto t = window_start(60s);
    for (int i = 0; i < 100; ++i) {
        auto d = limiter.hit("client", t);
        ASSERT_TRUE(d.allowed) << i;
        EXPECT_EQ(d.remaining, static_cast<std::uint64_t>(99 - i));
    }
    auto refused = limiter.hit("client", t);
    EXPECT_FALSE(refused.allowed);
    EXPECT_GE(refused.retry_after_seconds, 1);
    // Another client is unaffected.
    EXPECT_TRUE(limiter.hit("other", t).allowed);
}

TEST(RateLimiter, WindowSlidesRatherThanResetting) {
    RateLimiter limiter({.limit = 100, .window = 60s});
    auto t = window_start(60s);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.hit("c", t + 59s).allowed);
    // Just after the fixed window turns over, 59/60 of the previous window still
    // overlaps the sliding one: one request fits (a fixed window would allow 100 here).
    EXPECT_TRUE(limiter.hit("c", t + 61s).allowed);
    EXPECT_FALSE(limiter.hit("c", t + 61s).allowed);
    // Half way through the next window about half the budget is back.
    int allowed = 0;
    for (int i = 0; i < 100; ++i) allowed += limiter.hit("c", t + 90s).allowed ? 1 : 0;
    EXPECT_GE(allowed, 49);
    EXPECT_LE(allowed, 51);
    // Two windows later everything has expired.
    EXPECT_TRUE(limiter.hit("c", t + 181s).allowed);
}

TEST(RateLimiter, RetryAfterPointsAtWhenARequestFitsAgain) {
    RateLimiter limiter({.limit = 10, .window = 100s});
    auto t = window_start(100s);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.hit("c", t).allowed);
    auto refused = limiter.hit("c", t);
    ASSERT_FALSE(refused.allowed);
    // All 10 were made at the window's start: one fits again once 1/10 of them has
    // faded, i.e. 10 s into the next window → 110 s from now.
    EXPECT_EQ(refused.retry_after_seconds, 110);
    EXPECT_FALSE(
        limiter.hit("c", t + std::chrono::seconds(refused.retry_after_seconds) - 2s).allowed);
    EXPECT_TRUE(limiter.hit("c", t + std::chrono::seconds(refused.retry_after_seconds)).allowed);
}

TEST(RateLimiter, ZeroLimitDisables) {
    RateLimiter limiter({.limit = 0, .window = 60s});
    EXPECT_FALSE(limiter.enabled());
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.hit("c", window_start(60s)).allowed);
}

long resident_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

TEST(RateLimiter, AMillionAddressesUseNoMoreMemoryAndCannotHideAHeavyClient) {
    RateLimiter limiter({.limit = 10'000, .window = 300s});
    auto t = window_start(300s);
    auto fixed = limiter.memory_bytes();
    auto rss_before = resident_kib();
    for (int i = 0; i < 5'000; ++i) ASSERT_TRUE(limiter.hit("heavy", t).allowed);
    for (std::uint32_t i = 0; i < 1'000'000; ++i) {
        std::string key(reinterpret_cast<const char*>(&i), sizeof i);
        ASSERT_TRUE(limiter.hit(key, t + 1s).allowed);
    }
    EXPECT_EQ(limiter.memory_bytes(), fixed);
    EXPECT_LT(resident_kib() - rss_before, 4 * 1024);  // no growth beyond noise
    // The heavy client's count survived the flood: it has only ~5,000 left, give or
    // take the sketch's bounded over-count.
    int allowed = 0;
    for (int i = 0; i < 6'000; ++i) allowed += limiter.hit("heavy", t + 2s).allowed ? 1 : 0;
    EXPECT_LE(allowed, 5'000);
    EXPECT_GE(allowed, 4'900);
}

}  // namespace
}  // namespace mindme::guard
