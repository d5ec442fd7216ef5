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

}  // namespace
}  // namespace mindme::core
