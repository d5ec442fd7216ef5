#include "http/transfer_deadline.hpp"

#include <gtest/gtest.h>

namespace mindme::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
const auto t0 = std::chrono::steady_clock::time_point{} + seconds(1000);

TEST(TransferDeadline, EachWaitIsAtMostTheTimeout) {
    TransferDeadline d{t0, seconds(60), 1024};
    EXPECT_EQ(d.next_wait(0, t0), seconds(60));
    // Far ahead of the minimum rate: still one timeout per wait.
    EXPECT_EQ(d.next_wait(100 * 1024 * 1024, t0 + seconds(10)), seconds(60));
}

TEST(TransferDeadline, ATrickleIsCutAtTheTimeoutPlusWhatItsBytesEarned) {
    TransferDeadline d{t0, seconds(60), 1024};
    // One byte every 5 s: after 100 s, 20 bytes earned 19.5 ms; the grace is long gone.
    EXPECT_EQ(d.next_wait(20, t0 + seconds(100)), milliseconds(0));
    // 10 KiB earned 10 s past the first minute.
    EXPECT_EQ(d.next_wait(10 * 1024, t0 + seconds(65)), seconds(5));
    EXPECT_EQ(d.next_wait(10 * 1024, t0 + seconds(70)), milliseconds(0));
}

TEST(TransferDeadline, NoRateRuleLeavesTheTimeout) {
    TransferDeadline d{t0, seconds(30), 0};
    EXPECT_EQ(d.next_wait(0, t0 + seconds(3600)), seconds(30));
}

TEST(TransferDeadline, HugeCountsDoNotOverflow) {
    TransferDeadline d{t0, seconds(60), 1};
    EXPECT_EQ(d.next_wait(UINT64_MAX, t0 + seconds(1)), seconds(60));
}

}  // namespace
}  // namespace mindme::http
