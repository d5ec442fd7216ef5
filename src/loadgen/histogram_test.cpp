#include "loadgen/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace mindme::loadgen {
namespace {

// The exact quantile of a sorted sample, by the same rank rule as Histogram.
std::uint64_t exact(const std::vector<std::uint64_t>& sorted, double q) {
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::max<std::size_t>(rank, 1) - 1];
}

TEST(Histogram, SmallValuesAreExact) {
    Histogram h;
    for (std::uint64_t v = 0; v < 100; ++v) h.record(v);
    EXPECT_EQ(h.count(), 100u);
    EXPECT_EQ(h.min(), 0u);
    EXPECT_EQ(h.max(), 99u);
    EXPECT_EQ(h.value_at(0.5), 49u);
    EXPECT_EQ(h.value_at(0.99), 98u);
    EXPECT_EQ(h.value_at(1.0), 99u);
    EXPECT_DOUBLE_EQ(h.mean(), 49.5);
}

TEST(Histogram, QuantilesStayWithinOnePercentOverSixDecades) {
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> latency(std::log(2000.0), 1.5);  // ~2 ms median
    std::vector<std::uint64_t> values;
    Histogram h;
    for (int i = 0; i < 200'000; ++i) {
        auto v = static_cast<std::uint64_t>(latency(rng)) + 1;
        values.push_back(v);
        h.record(v);
    }
    std::sort(values.begin(), values.end());
    for (double q : {0.5, 0.9, 0.99, 0.999, 0.9999}) {
        auto truth = exact(values, q);
        auto got = h.value_at(q);
        EXPECT_GE(got, truth) << q;  // a bucket's upper edge: never optimistic
        EXPECT_LE(static_cast<double>(got), static_cast<double>(truth) * (1 + 1.0 / 64)) << q;
    }
    EXPECT_EQ(h.value_at(1.0), values.back());
    EXPECT_EQ(h.max(), values.back());
}

TEST(Histogram, HugeValuesAreClampedNotLost) {
    Histogram h;
    h.record(UINT64_MAX / 2);
    h.record(5);
    EXPECT_EQ(h.count(), 2u);
    EXPECT_EQ(h.max(), UINT64_MAX / 2);
    EXPECT_EQ(h.value_at(0.5), 5u);
}

TEST(Histogram, MergingEqualsRecordingEverythingInOne) {
    std::mt19937_64 rng(3);
    std::uniform_int_distribution<std::uint64_t> any(1, 10'000'000);
    Histogram a, b, all;
    for (int i = 0; i < 50'000; ++i) {
        auto v = any(rng);
        (i % 3 ? a : b).record(v);
        all.record(v);
    }
    Histogram merged = a;
    merged.merge(b);
    EXPECT_EQ(merged.count(), all.count());
    EXPECT_EQ(merged.min(), all.min());
    EXPECT_EQ(merged.max(), all.max());
    for (double q : {0.1, 0.5, 0.99, 0.999}) EXPECT_EQ(merged.value_at(q), all.value_at(q));
}

TEST(Histogram, TextFormRoundTripsAndRefusesDamage) {
    Histogram h;
    for (std::uint64_t v : {1u, 250u, 250u, 7000u, 123456u}) h.record(v);
    auto back = Histogram::from_text(h.to_text());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, h);
    EXPECT_TRUE(Histogram::from_text(Histogram().to_text()));
    EXPECT_FALSE(Histogram::from_text("garbage"));
    EXPECT_FALSE(Histogram::from_text("3 1 5 10 1:1"));        // counts do not add up
    EXPECT_FALSE(Histogram::from_text("1 1 1 1 99999999:1"));  // no such bucket
}

TEST(Histogram, AnEmptyHistogramAnswersZero) {
    Histogram h;
    EXPECT_EQ(h.value_at(0.99), 0u);
    EXPECT_EQ(h.min(), 0u);
    EXPECT_EQ(h.mean(), 0.0);
}

}  // namespace
}  // namespace mindme::loadgen
