#include "guard/admission.hpp"

#include <gtest/gtest.h>

namespace mindme::guard {
namespace {

TEST(AdmissionGate, RefusesPastTheBoundAndReleasesWithTheLastHolder) {
    AdmissionGate gate(2);
    auto a = gate.try_enter();
    auto b = gate.try_enter();
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    EXPECT_FALSE(gate.try_enter());
    EXPECT_EQ(gate.in_flight(), 2);
    auto moved = std::move(a);
    a.reset();
    EXPECT_FALSE(gate.try_enter());  // moved, not released
    moved.reset();
    EXPECT_TRUE(gate.try_enter());
    b.reset();
    EXPECT_EQ(gate.in_flight(), 0);
}

}  // namespace
}  // namespace mindme::guard
