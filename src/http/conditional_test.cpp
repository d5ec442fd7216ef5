#include "http/conditional.hpp"

#include <gtest/gtest.h>

namespace mindme::http {
namespace {

TEST(Conditional, IfNoneMatchComparesWeakly) {
    EXPECT_TRUE(none_match("\"3\"", "\"3\""));
    EXPECT_TRUE(none_match("W/\"3\"", "\"3\""));
    EXPECT_TRUE(none_match("\"1\", \"3\"", "\"3\""));
    EXPECT_TRUE(none_match("*", "\"3\""));
    EXPECT_FALSE(none_match("\"4\"", "\"3\""));
    EXPECT_FALSE(none_match("3", "\"3\""));
}

TEST(Conditional, IfMatchListsOnlyStrongTags) {
    using Tags = std::vector<std::string_view>;
    EXPECT_EQ(strong_tags("\"1\""), (Tags{"\"1\""}));
    EXPECT_EQ(strong_tags("\"1\" , W/\"2\", \"3\", 4"), (Tags{"\"1\"", "\"3\""}));
    EXPECT_TRUE(strong_tags("").empty());
    EXPECT_TRUE(strong_tags("\"").empty());
}

}  // namespace
}  // namespace mindme::http
