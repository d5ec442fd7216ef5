#include "core/json.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"

namespace mindme::core {
namespace {

TEST(Json, EscapesQuotesControlsAndBackslashes) {
    EXPECT_EQ(json_string("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
}

TEST(Json, KeepsValidUtf8AndReplacesInvalidBytes) {
    EXPECT_EQ(json_string("h\xC3\xA9llo"), "\"h\xC3\xA9llo\"");
    EXPECT_EQ(json_string("bad\xFF"), "\"bad\xEF\xBF\xBD\"");
    EXPECT_EQ(json_string("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(Errors, BodyHasTheApiShape) {
    EXPECT_EQ(error_body(ErrorCode::kRateLimited, "slow \"down\""),
              R"({"error":{"code":"rate_limited","message":"slow \"down\""}})");
    EXPECT_EQ(http_status(ErrorCode::kHeaderTooLarge), 431);
    EXPECT_EQ(http_status(ErrorCode::kUnavailable), 503);
    EXPECT_EQ(code_name(ErrorCode::kPayloadTooLarge), "payload_too_large");
}

}  // namespace
}  // namespace mindme::core
