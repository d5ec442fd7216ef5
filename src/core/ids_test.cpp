#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mindme::core {
namespace {

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
