#include "core/keyed_slots.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mindme::core {
namespace {

TEST(KeyedSlots, EachKeyHoldsAtMostMax) {
    KeyedSlots slots(2);
    auto a1 = slots.try_take("a");
    auto a2 = slots.try_take("a");
    EXPECT_TRUE(a1 && a2);
    EXPECT_FALSE(slots.try_take("a"));
    auto b = slots.try_take("b");  // another key is not affected
    EXPECT_TRUE(b);
    EXPECT_EQ(slots.held("a"), 2u);
}

TEST(KeyedSlots, AGivenBackSlotCanBeTakenAgainAndKeysAreForgotten) {
    KeyedSlots slots(1);
    {
        auto a = slots.try_take("a");
        EXPECT_FALSE(slots.try_take("a"));
    }
    EXPECT_EQ(slots.keys(), 0u);
    EXPECT_TRUE(slots.try_take("a"));
    EXPECT_EQ(slots.keys(), 0u);  // the temporary above was given back at once
}

TEST(KeyedSlots, ZeroRefusesEverythingAndKeepsNothing) {
    KeyedSlots slots(0);
    EXPECT_FALSE(slots.try_take("a"));
    EXPECT_EQ(slots.keys(), 0u);
}

}  // namespace
}  // namespace mindme::core
