#include <gtest/gtest.h>

#include "app/accounts_routes.hpp"
#include "app/json_body.hpp"
#include "core/error_of.hpp"

namespace mindme::app {
namespace {

using core::error_of;

TEST(Accounts, EmailsAreTrimmedAndKeyedCaseInsensitively) {
    auto e = normalize_email("  Ann.Lee@Example.COM \n");
    EXPECT_EQ(e.address, "Ann.Lee@Example.COM");
    EXPECT_EQ(e.key, "ann.lee@example.com");
    for (auto bad : {"", "no-at.example.com", "@example.com", "ann@", "ann@@example.com",
                     "ann@example", "ann lee@example.com", "ann@example.com."})
        EXPECT_EQ(error_of([&] { normalize_email(bad); }), core::ErrorCode::kUnprocessable) << bad;
    EXPECT_EQ(error_of([&] { normalize_email(std::string(250, 'a') + "@x.io"); }),
              core::ErrorCode::kUnprocessable);
}

TEST(JsonBody, ContentTypeSyntaxAndFieldTypesHaveTheirOwnErrors) {
    http::Request req;
    req.body = R"({"email":"a@b.io","password":5})";
    EXPECT_EQ(error_of([&] { parse_json_object(req); }), core::ErrorCode::kUnsupportedMediaType);
    req.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    auto body = parse_json_object(req);
    EXPECT_EQ(require_string(body, "email"), "a@b.io");
    EXPECT_EQ(error_of([&] { require_string(body, "password"); }), core::ErrorCode::kUnprocessable);
    EXPECT_EQ(error_of([&] { require_string(body, "missing"); }), core::ErrorCode::kUnprocessable);
    req.body = "{nope";
    EXPECT_EQ(error_of([&] { parse_json_object(req); }), core::ErrorCode::kBadRequest);
    req.body = "[1]";
    EXPECT_EQ(error_of([&] { parse_json_object(req); }), core::ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace mindme::app
