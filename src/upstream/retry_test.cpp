#include "upstream/retry.hpp"

#include <gtest/gtest.h>

#include "upstream/http_client.hpp"
#include "upstream/target.hpp"

namespace mindme::upstream {
namespace {

using std::chrono::milliseconds;

TEST(FullJitter, IsAUniformShareOfACappedExponentialBound) {
    EXPECT_EQ(full_jitter(milliseconds(500), milliseconds(30000), 1, 1.0), milliseconds(500));
    EXPECT_EQ(full_jitter(milliseconds(500), milliseconds(30000), 3, 1.0), milliseconds(2000));
    EXPECT_EQ(full_jitter(milliseconds(500), milliseconds(30000), 3, 0.5), milliseconds(1000));
    EXPECT_EQ(full_jitter(milliseconds(500), milliseconds(30000), 3, 0.0), milliseconds(0));
    EXPECT_EQ(full_jitter(milliseconds(500), milliseconds(30000), 40, 1.0), milliseconds(30000));
}

TEST(RetryAfter, TakesSecondsAndHttpDates) {
    EXPECT_EQ(parse_retry_after("120", 0), milliseconds(120000));
    EXPECT_EQ(parse_retry_after(" 0 ", 0), milliseconds(0));
    // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111770), milliseconds(7000));
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111999), milliseconds(0));
    EXPECT_EQ(parse_retry_after("99999999999999999999999", 0), std::nullopt);
    EXPECT_EQ(parse_retry_after("-5", 0), std::nullopt);
    EXPECT_EQ(parse_retry_after("soon", 0), std::nullopt);
    EXPECT_EQ(parse_retry_after("", 0), std::nullopt);
    EXPECT_EQ(parse_retry_after("1000000", 0), milliseconds(86'400'000));
}

TEST(Target, SplitsOriginAndRequest) {
    auto t = parse_target("https://fcm.googleapis.com/v1/projects/p/messages:send?x=1");
    EXPECT_TRUE(t.tls);
    EXPECT_EQ(t.host, "fcm.googleapis.com");
    EXPECT_EQ(t.port, "443");
    EXPECT_EQ(t.origin, "https://fcm.googleapis.com:443");
    EXPECT_EQ(t.request, "/v1/projects/p/messages:send?x=1");
    EXPECT_EQ(t.host_header, "fcm.googleapis.com");
    auto local = parse_target("http://127.0.0.1:8081");
    EXPECT_FALSE(local.tls);
    EXPECT_EQ(local.request, "/");
    EXPECT_EQ(local.host_header, "127.0.0.1:8081");
    EXPECT_EQ(parse_target("http://[::1]:90/a").host, "::1");
    for (const char* bad : {"ftp://x/", "/relative", "http://user:pw@host/", "not a url"})
        EXPECT_THROW(parse_target(bad), UpstreamError) << bad;
}

}  // namespace
}  // namespace mindme::upstream
