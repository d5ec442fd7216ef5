#include "guard/ip_address.hpp"

#include <gtest/gtest.h>

#include "guard/client_address.hpp"

namespace mindme::guard {
namespace {

TEST(IpAddress, ParsesBothFamiliesAndMasks) {
    auto v4 = IpAddress::parse("192.168.1.77");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->is_v4());
    EXPECT_EQ(v4->to_string(), "192.168.1.77");
    EXPECT_EQ(v4->masked(24).to_string(), "192.168.1.0");
    auto v6 = IpAddress::parse("[2001:db8::1]");
    ASSERT_TRUE(v6);
    EXPECT_FALSE(v6->is_v4());
    EXPECT_EQ(IpAddress::parse("2001:db8:0:0:ffff::9")->masked(64).to_string(), "2001:db8::");
    EXPECT_FALSE(IpAddress::parse("300.1.1.1"));
    EXPECT_FALSE(IpAddress::parse("hello"));
    EXPECT_FALSE(IpAddress::parse(""));
}

TEST(CidrSet, MatchesBlocksAndRejectsGarbage) {
    CidrSet set({"10.0.0.0/8", "::1", "192.168.5.5"});
    EXPECT_TRUE(set.contains(*IpAddress::parse("10.20.30.40")));
    EXPECT_FALSE(set.contains(*IpAddress::parse("11.0.0.1")));
    EXPECT_TRUE(set.contains(*IpAddress::parse("::1")));
    EXPECT_TRUE(set.contains(*IpAddress::parse("192.168.5.5")));
    EXPECT_FALSE(set.contains(*IpAddress::parse("192.168.5.6")));
    EXPECT_THROW(CidrSet({"10.0.0.0/33"}), std::invalid_argument);
    EXPECT_THROW(CidrSet({"not-an-ip"}), std::invalid_argument);
}

TEST(ClientAddress, ForwardedForOnlyFromTrustedProxies) {
    CidrSet trusted({"10.0.0.0/8"});
    // Untrusted peer: its X-Forwarded-For is ignored.
    EXPECT_EQ(resolve_client_address("203.0.113.9", {"1.2.3.4"}, trusted), "203.0.113.9");
    // Trusted peer: the rightmost untrusted hop is the client.
    EXPECT_EQ(resolve_client_address("10.0.0.2", {"6.6.6.6, 1.2.3.4, 10.0.0.7"}, trusted),
              "1.2.3.4");
    // Several headers count as one list.
    EXPECT_EQ(resolve_client_address("10.0.0.2", {"6.6.6.6", "5.5.5.5"}, trusted), "5.5.5.5");
    // Garbage stops the walk at the last good hop.
    EXPECT_EQ(resolve_client_address("10.0.0.2", {"1.1.1.1, junk"}, trusted), "10.0.0.2");
    // No header from a trusted proxy: the proxy itself.
    EXPECT_EQ(resolve_client_address("10.0.0.2", {}, trusted), "10.0.0.2");
    // Nothing trusted: the peer, whatever the header says.
    EXPECT_EQ(resolve_client_address("127.0.0.1", {"9.9.9.9"}, CidrSet{}), "127.0.0.1");
}

}  // namespace
}  // namespace mindme::guard
