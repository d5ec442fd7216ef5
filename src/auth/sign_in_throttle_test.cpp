#include "auth/sign_in_throttle.hpp"

#include <gtest/gtest.h>

namespace mindme::auth {
namespace {

using std::chrono::seconds;
using Clock = SignInThrottle::Clock;
const auto t0 = Clock::time_point{} + std::chrono::hours(1);

// Guesses `account` from `address` as fast as the throttle lets it for `span`: how many
// were hashed (the others were refused before any hashing).
int guesses_in(SignInThrottle& t, const std::string& account, const std::string& address,
               Clock::time_point from, seconds span) {
    int hashed = 0;
    for (auto now = from; now < from + span; now += std::chrono::milliseconds(100)) {
        if (t.wait(account, address, now)) continue;
        t.failed(account, address, now);
        ++hashed;
    }
    return hashed;
}

TEST(SignInThrottle, AFewFailuresAreFreeThenTheDelayDoublesUpToTheCap) {
    SignInThrottle t({});
    for (int i = 0; i < 5; ++i) {
        EXPECT_FALSE(t.wait("ann", "1.2.3.4", t0));
        t.failed("ann", "1.2.3.4", t0);
    }
    EXPECT_FALSE(t.wait("ann", "1.2.3.4", t0));
    t.failed("ann", "1.2.3.4", t0);  // the 6th: 1 s
    EXPECT_EQ(t.wait("ann", "1.2.3.4", t0), seconds(1));
    EXPECT_FALSE(t.wait("ann", "1.2.3.4", t0 + seconds(1)));
    t.failed("ann", "1.2.3.4", t0 + seconds(1));  // the 7th: 2 s
    EXPECT_EQ(t.wait("ann", "1.2.3.4", t0 + seconds(1)), seconds(2));
    for (int i = 0; i < 20; ++i) t.failed("ann", "1.2.3.4", t0 + seconds(3));
    EXPECT_EQ(t.wait("ann", "1.2.3.4", t0 + seconds(3)), seconds(60));
}

TEST(SignInThrottle, OneAddressGuessesAtMostTwentyTimesAMinute) {
    SignInThrottle t({});
    EXPECT_LE(guesses_in(t, "ann", "1.2.3.4", t0, seconds(60)), 20);
    // And fewer in each minute after.
    EXPECT_LE(guesses_in(t, "ann", "1.2.3.4", t0 + seconds(60), seconds(60)), 2);
}

TEST(SignInThrottle, ManyAddressesTogetherAreSlowedPerAccount) {
    SignInThrottle t({});
    int hashed = 0;
    for (int i = 0; i < 600; ++i) {
        auto now = t0 + std::chrono::milliseconds(100 * i);
        auto address = "10.0.0." + std::to_string(i % 250);
        if (t.wait("ann", address, now)) continue;
        t.failed("ann", address, now);
        ++hashed;
    }
    EXPECT_LE(hashed, 20);
}

TEST(SignInThrottle, TheOwnersKnownAddressIsNotLockedOutByOthers) {
    SignInThrottle t({});
    t.succeeded("ann", "192.0.2.7");  // the owner signed in from here before
    for (int i = 0; i < 50; ++i) t.failed("ann", "198.51.100." + std::to_string(i), t0);
    EXPECT_TRUE(t.wait("ann", "203.0.113.9", t0));  // a new address waits
    EXPECT_FALSE(t.wait("ann", "192.0.2.7", t0));   // the owner's does not
}

TEST(SignInThrottle, ASuccessClearsTheAccountButNotTheAddress) {
    SignInThrottle t({});
    for (int i = 0; i < 30; ++i) t.failed("acct" + std::to_string(i), "1.2.3.4", t0);
    EXPECT_TRUE(t.wait("other", "1.2.3.4", t0));  // the address sprayed 30 accounts
    t.succeeded("mine", "1.2.3.4");
    EXPECT_TRUE(t.wait("other", "1.2.3.4", t0));
    for (int i = 0; i < 10; ++i) t.failed("bob", "5.6.7.8", t0);
    EXPECT_TRUE(t.wait("bob", "5.6.7.8", t0));
    t.succeeded("bob", "5.6.7.8");
    EXPECT_FALSE(t.wait("bob", "5.6.7.8", t0));
}

TEST(SignInThrottle, CountsFadeAfterAQuietQuarterHour) {
    SignInThrottle t({});
    for (int i = 0; i < 10; ++i) t.failed("ann", "1.2.3.4", t0);
    EXPECT_TRUE(t.wait("ann", "1.2.3.4", t0 + seconds(10)));  // 10 failures: 16 s
    EXPECT_FALSE(t.wait("ann", "1.2.3.4", t0 + seconds(15 * 60)));
    t.failed("ann", "1.2.3.4", t0 + seconds(15 * 60));
    EXPECT_FALSE(t.wait("ann", "1.2.3.4", t0 + seconds(15 * 60)));  // one failure: free
}

TEST(SignInThrottle, TheKeysStayBounded) {
    ThrottleOptions o;
    o.max_keys = 100;
    SignInThrottle t(o);
    for (int i = 0; i < 1000; ++i)
        t.failed("a" + std::to_string(i), "10.0." + std::to_string(i), t0);
    // Still works, and a fresh key is tracked.
    for (int i = 0; i < 10; ++i) t.failed("zed", "9.9.9.9", t0);
    EXPECT_TRUE(t.wait("zed", "9.9.9.9", t0));
}

}  // namespace
}  // namespace mindme::auth
