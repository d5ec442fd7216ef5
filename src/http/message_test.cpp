#include "http/message.hpp"

#include <gtest/gtest.h>

namespace mindme::http {
namespace {

TEST(Message, HeadersAreCaseInsensitive) {
    Request r;
    r.headers.emplace_back("Content-Type", "application/json");
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_FALSE(r.header("Accept"));
}

TEST(Message, QueryParametersAreDecoded) {
    Request r;
    r.query = "q=hello+world&limit=5&x=%2F&flag";
    EXPECT_EQ(r.query_param("q"), "hello world");
    EXPECT_EQ(r.query_param("limit"), "5");
    EXPECT_EQ(r.query_param("x"), "/");
    EXPECT_EQ(r.query_param("flag"), "");
    EXPECT_FALSE(r.query_param("none"));
}

TEST(Message, HeaderBlockSetsReplacesAndRemoves) {
    HeaderBlock h;
    h.set("Content-Type", "text/plain");
    h.set("ETag", "\"1\"");
    h.set("content-type", "application/json");
    EXPECT_EQ(h.get("CONTENT-TYPE"), "application/json");
    EXPECT_EQ(h.text(), "ETag: \"1\"\r\ncontent-type: application/json\r\n");
    h.remove("etag");
    EXPECT_FALSE(h.get("ETag"));
    h.set("X-Evil", "a\r\nSet-Cookie: 1");
    EXPECT_EQ(h.text().find("\r\nSet-Cookie"), std::string::npos);
}

TEST(Message, LoggedTargetsHideCredentials) {
    EXPECT_EQ(loggable_target("/v1/events?token=abc&x=1"), "/v1/events?token=REDACTED&x=1");
    EXPECT_EQ(loggable_target("/a?Access_Token=s3cret"), "/a?Access_Token=REDACTED");
    EXPECT_EQ(loggable_target("/plain"), "/plain");
    EXPECT_EQ(loggable_target("/v1/sync?since=42&limit=5"), "/v1/sync?since=42&limit=5");
    EXPECT_EQ(loggable_target(std::string(600, 'a'), 512).size(), 512u);
}

TEST(Message, DeadlinesTakeTheShorterOfServerAndClient) {
    using namespace std::chrono;
    steady_clock::time_point now{seconds(100)};
    EXPECT_EQ(request_deadline(now, seconds(30), std::nullopt), now + seconds(30));
    EXPECT_EQ(request_deadline(now, seconds(30), "250"), now + milliseconds(250));
    EXPECT_EQ(request_deadline(now, seconds(30), "999999"), now + seconds(30));
    for (auto bad : {"0", "-5", "abc", "12ms", ""})
        EXPECT_EQ(request_deadline(now, seconds(30), bad), now + seconds(30)) << bad;
}

TEST(Message, PercentDecodeRejectsBadEscapes) {
    EXPECT_EQ(percent_decode("a%41", false), "aA");
    EXPECT_FALSE(percent_decode("a%4", false));
    EXPECT_FALSE(percent_decode("a%", false));
    EXPECT_FALSE(percent_decode("%g0", false));
    EXPECT_EQ(percent_decode("a+b", false), "a+b");
}

TEST(Message, ErrorResponsesCarryRetryAfter) {
    auto r = Response::error(core::ApiError(core::ErrorCode::kUnavailable, "busy", 7));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.header("Retry-After"), "7");
    EXPECT_EQ(r.header("Content-Type"), "application/json");
}

}  // namespace
}  // namespace mindme::http
