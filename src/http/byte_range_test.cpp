#include "http/byte_range.hpp"

#include <gtest/gtest.h>

#include "core/http_date.hpp"

namespace mindme::http {
namespace {

void expect_range(std::string_view h, std::uint64_t size, std::uint64_t off, std::uint64_t len) {
    auto r = parse_byte_range(h, size);
    ASSERT_EQ(r.outcome, RangeOutcome::kSatisfiable) << h;
    EXPECT_EQ(r.range.offset, off) << h;
    EXPECT_EQ(r.range.length, len) << h;
}

TEST(ByteRange, ParsesTheThreeForms) {
    expect_range("bytes=0-99", 1000, 0, 100);
    expect_range("bytes=900-", 1000, 900, 100);
    expect_range("bytes=-10", 1000, 990, 10);
    expect_range("bytes=990-5000", 1000, 990, 10);
    expect_range("bytes=-5000", 1000, 0, 1000);
}

TEST(ByteRange, PositionsPastSixtyFourBitsAreClampedAsAnyPastTheEnd) {
    expect_range("bytes=0-99999999999999999999999", 1000, 0, 1000);  // 206 for the whole file
    expect_range("bytes=-99999999999999999999999", 1000, 0, 1000);
    EXPECT_EQ(parse_byte_range("bytes=99999999999999999999999-", 1000).outcome,
              RangeOutcome::kUnsatisfiable);
    EXPECT_EQ(parse_byte_range("bytes=0-9x", 1000).outcome, RangeOutcome::kIgnore);
}

TEST(ByteRange, UnsatisfiableAndIgnored) {
    EXPECT_EQ(parse_byte_range("bytes=1000-", 1000).outcome, RangeOutcome::kUnsatisfiable);
    EXPECT_EQ(parse_byte_range("bytes=-0", 1000).outcome, RangeOutcome::kUnsatisfiable);
    EXPECT_EQ(parse_byte_range("bytes=5-1", 1000).outcome, RangeOutcome::kIgnore);
    EXPECT_EQ(parse_byte_range("items=0-1", 1000).outcome, RangeOutcome::kIgnore);
    EXPECT_EQ(parse_byte_range("bytes=0-1,5-6", 1000).outcome, RangeOutcome::kIgnore);
    EXPECT_EQ(parse_byte_range("bytes=a-b", 1000).outcome, RangeOutcome::kIgnore);
}

TEST(HttpDate, RoundTrips) {
    EXPECT_EQ(core::format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(core::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    EXPECT_FALSE(core::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
    EXPECT_FALSE(core::parse_http_date("garbage"));
}

}  // namespace
}  // namespace mindme::http
