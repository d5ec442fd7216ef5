#include "core/text.hpp"

#include <gtest/gtest.h>

namespace mindme::core {
namespace {

TEST(Text, TrimAndSplit) {
    EXPECT_EQ(trim("  a b\t"), "a b");
    EXPECT_EQ(trim("\r\nx\n", " \t\r\n"), "x");
    EXPECT_EQ(trim("   "), "");
    auto items = split_list(" a, b ,,c");
    ASSERT_EQ(items.size(), 4u);
    EXPECT_EQ(items[0], "a");
    EXPECT_EQ(items[1], "b");
    EXPECT_EQ(items[2], "");
    EXPECT_EQ(items[3], "c");
}

TEST(Text, CodePointsCountCharactersNotBytes) {
    EXPECT_EQ(code_points("abc"), 3u);
    EXPECT_EQ(code_points("h\xC3\xA9llo"), 5u);
    EXPECT_EQ(code_points("\xF0\x9F\x98\x80"), 1u);
}

TEST(Text, AsciiLowerLeavesOtherBytesAlone) {
    EXPECT_EQ(ascii_lower("Ann.Lee@Example.COM"), "ann.lee@example.com");
    EXPECT_EQ(ascii_lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");
}

TEST(Text, CollapseSpacesTrimsAndJoinsRuns) {
    EXPECT_EQ(collapse_spaces("  value1\n  value2 \t value3 "), "value1 value2 value3");
    EXPECT_EQ(collapse_spaces(""), "");
    EXPECT_EQ(collapse_spaces(" \r\n "), "");
}

}  // namespace
}  // namespace mindme::core
