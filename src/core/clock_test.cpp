#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace mindme::core {
namespace {

TEST(Clock, Rfc3339WithMilliseconds) {
    EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_rfc3339_ms(1795341600123), "2026-11-22T10:00:00.123Z");
    EXPECT_GT(now_ms(), 1700000000000);
}

}  // namespace
}  // namespace mindme::core
