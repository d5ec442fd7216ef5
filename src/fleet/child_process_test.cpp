// Processes the fleet runs: exit statuses, stopping, and the signal mask they start with.
#include "fleet/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

namespace mindme::fleet {
namespace {

TEST(ChildProcess, ReportsHowItEnded) {
    auto p = ChildProcess::spawn({"/bin/sh", "-c", "exit 3"});
    EXPECT_TRUE(p.wait(std::chrono::milliseconds(10'000)));
    EXPECT_FALSE(p.running());
    EXPECT_EQ(p.ended(), "exit 3");
}

TEST(ChildProcess, StopsWithSigtermEvenWhenTheParentBlocksIt) {
    // The fleet blocks SIGTERM to wait for it; a child must not inherit the mask.
    sigset_t blocked, old;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &blocked, &old);
    auto p = ChildProcess::spawn({"/bin/sleep", "60"});
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    EXPECT_TRUE(p.running());
    p.stop(std::chrono::milliseconds(10'000));
    EXPECT_EQ(p.ended(), "signal 15");
}

TEST(ChildProcess, IgnoringSigtermEndsInSigkill) {
    auto p = ChildProcess::spawn({"/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done"});
    EXPECT_FALSE(p.wait(std::chrono::milliseconds(100)));
    p.stop(std::chrono::milliseconds(300));
    EXPECT_EQ(p.ended(), "signal 9");
}

TEST(ChildProcess, AMissingProgramIsAnError) {
    EXPECT_THROW(ChildProcess::spawn({"/nonexistent/mindme"}), std::runtime_error);
}

}  // namespace
}  // namespace mindme::fleet
