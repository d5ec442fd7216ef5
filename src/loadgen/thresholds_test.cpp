#include "loadgen/thresholds.hpp"

#include <gtest/gtest.h>

namespace mindme::loadgen {
namespace {

TEST(Thresholds, ParseUnits) {
    auto t = parse_threshold("p99<50ms");
    ASSERT_TRUE(t);
    EXPECT_EQ((t->metric), "p99");
    EXPECT_EQ((t->op), "<");
    EXPECT_DOUBLE_EQ(t->value, 50);
    EXPECT_DOUBLE_EQ(parse_threshold("max<=2s")->value, 2000);
    EXPECT_DOUBLE_EQ(parse_threshold("p50<500us")->value, 0.5);
    EXPECT_DOUBLE_EQ(parse_threshold("error_rate<0.1%")->value, 0.001);
    EXPECT_DOUBLE_EQ(parse_threshold("error_rate<0.01")->value, 0.01);
    EXPECT_EQ(parse_threshold("rps>=1000")->op, ">=");
    for (auto bad : {"", "p99", "p99<", "p99<50", "p99<50km", "p42<1ms", "<5ms", "rps>5%",
                     "error_rate<1ms", "p99<-1ms"})
        EXPECT_FALSE(parse_threshold(bad)) << bad;
}

RunResult two_steps() {
    RunResult r;
    r.step_names = {"read", "create"};
    r.steps.resize(2);
    for (int i = 1; i <= 100; ++i) r.steps[0].latency.record(static_cast<std::uint64_t>(i) * 1000);
    r.steps[0].count = 100;
    r.steps[0].error("status_5xx");
    r.steps[1].latency.record(300'000);
    r.steps[1].count = 1;
    r.seconds = 10;
    return r;
}

TEST(Thresholds, EvaluateAgainstTheWholeTest) {
    auto r = two_steps();
    EXPECT_TRUE(evaluate(*parse_threshold("p50<=53ms"), r).passed);
    EXPECT_FALSE(evaluate(*parse_threshold("p99<50ms"), r).passed);
    EXPECT_NEAR(evaluate(*parse_threshold("p99<50ms"), r).actual, 100, 2);
    EXPECT_DOUBLE_EQ(evaluate(*parse_threshold("max<1s"), r).actual, 300);
    EXPECT_TRUE(evaluate(*parse_threshold("error_rate<2%"), r).passed);
    EXPECT_FALSE(evaluate(*parse_threshold("error_rate<0.5%"), r).passed);
    EXPECT_TRUE(evaluate(*parse_threshold("rps>=10"), r).passed);
    EXPECT_FALSE(evaluate(*parse_threshold("rps>10.1"), r).passed);
}

TEST(Thresholds, PerStep) {
    auto t = parse_threshold("create memory:p99<50ms");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->step, "create memory");
    EXPECT_EQ(t->metric, "p99");
    EXPECT_FALSE(parse_threshold(":p99<50ms"));
    auto r = two_steps();
    EXPECT_DOUBLE_EQ(evaluate(*parse_threshold("read:max<1s"), r).actual, 100);
    EXPECT_TRUE(evaluate(*parse_threshold("read:max<1s"), r).passed);
    EXPECT_FALSE(evaluate(*parse_threshold("create:max<100ms"), r).passed);
    EXPECT_TRUE(evaluate(*parse_threshold("create:error_rate<0.1%"), r).passed);
    EXPECT_FALSE(evaluate(*parse_threshold("read:error_rate<0.1%"), r).passed);
    // A step the test does not have cannot pass.
    EXPECT_FALSE(evaluate(*parse_threshold("missing:p99<1s"), r).passed);
}

}  // namespace
}  // namespace mindme::loadgen
