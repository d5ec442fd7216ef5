#include "http/message.hpp"

#include <gtest/gtest.h>

namespace mindme::http {
namespace {

TEST(Message, HeadersAreCaseInsensitive) {
    Request r;
    r.headers = {{"Content-Type", "application/json"}};
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
