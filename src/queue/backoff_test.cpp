#include <gtest/gtest.h>

#include "queue/queue.hpp"

namespace mindme::queue {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesWithHalfOfItJitterUpToTheCap) {
    RetryPolicy p{10, milliseconds(1000), milliseconds(60'000)};
    EXPECT_EQ(backoff(p, 1, 0.0), milliseconds(500));
    EXPECT_EQ(backoff(p, 1, 1.0), milliseconds(1000));
    EXPECT_EQ(backoff(p, 3, 0.0), milliseconds(2000));
    EXPECT_EQ(backoff(p, 3, 1.0), milliseconds(4000));
    EXPECT_EQ(backoff(p, 30, 1.0), milliseconds(60'000));
    EXPECT_EQ(backoff(p, 30, 0.0), milliseconds(30'000));
    EXPECT_EQ(backoff(p, 2, 7.0), milliseconds(2000));  // the random unit is clamped
}

}  // namespace
}  // namespace mindme::queue
