#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace mindme::core {
namespace {

TEST(Clock, Rfc3339WithMilliseconds) {
    EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_rfc3339_ms(1795341600123), "2026-11-22T10:00:00.123Z");
    EXPECT_GT(now_ms(), 1700000000000);
}

TEST(Clock, ParsesRfc3339AsGoogleWritesIt) {
    EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parse_rfc3339_ms("2026-11-22T10:00:00.123Z"), 1795341600123);
    EXPECT_EQ(parse_rfc3339_ms("2026-11-22T10:00:00.123456789Z"), 1795341600123);
    EXPECT_EQ(parse_rfc3339_ms("2026-11-22T11:30:00.5+01:30"), 1795341600500);
    EXPECT_EQ(parse_rfc3339_ms(format_rfc3339_ms(1795341600123)), 1795341600123);
    for (const char* bad :
         {"", "2026-11-22", "2026-11-22T10:00:00", "2026-13-01T00:00:00Z", "2026-11-22T10:00:00.Z",
          "2026-11-22T10:00:00Zjunk", "2026-11-22 10:00:00Z", "2026-11-22T10:00:00+0100"})
        EXPECT_FALSE(parse_rfc3339_ms(bad)) << bad;
}

}  // namespace
}  // namespace mindme::core
