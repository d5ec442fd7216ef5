#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mindme::core {
namespace {

TEST(Ids, UuidsAreVersion4AndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto u = random_uuid();
        ASSERT_EQ(u.size(), 36u);
        EXPECT_EQ(u[8], '-');
        EXPECT_EQ(u[13], '-');
        EXPECT_EQ(u[14], '4');
        EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
        EXPECT_EQ(u.find_first_not_of("0123456789abcdef-"), std::string::npos) << u;
        seen.insert(u);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(Ids, AreUrlSafeOfTheExpectedLengthAndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        auto id = random_id(12);
        EXPECT_EQ(id.size(), 16u);
        EXPECT_EQ(id.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 10000u);
}

}  // namespace
}  // namespace mindme::core
