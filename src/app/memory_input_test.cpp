#include "app/memory_input.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"

namespace mindme::app {
namespace {

http::Request json_request(std::string body) {
    http::Request req;
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = std::move(body);
    return req;
}

// The message of the 422 that `body` gets, or "" when it is accepted.
std::string refusal(const std::string& body) {
    try {
        parse_memory_input(json_request(body));
    } catch (const core::ApiError& e) {
        EXPECT_EQ(e.code(), core::ErrorCode::kUnprocessable) << body;
        return e.what();
    }
    return "";
}

std::string quoted(std::size_t n, const std::string& unit = "a") {
    std::string s = "\"";
    for (std::size_t i = 0; i < n; ++i) s += unit;
    return s + "\"";
}

TEST(MemoryInput, AcceptsTheFieldsAndDefaults) {
    auto m = parse_memory_input(json_request(R"({"title":"t","body":"b","tags":["x","y"]})"));
    EXPECT_EQ(m.title, "t");
    EXPECT_EQ(m.body, "b");
    EXPECT_EQ(m.tags, (std::vector<std::string>{"x", "y"}));
    auto bare = parse_memory_input(json_request(R"({"title":""})"));
    EXPECT_EQ(bare.body, "");
    EXPECT_TRUE(bare.tags.empty());
}

TEST(MemoryInput, LimitsAreInclusiveAndCountCharacters) {
    // 200 two-byte characters are 400 bytes and still a valid title.
    EXPECT_EQ(refusal("{\"title\":" + quoted(200, "\xc3\xa9") + "}"), "");
    EXPECT_EQ(refusal("{\"title\":\"t\",\"body\":" + quoted(65536) + "}"), "");
    std::string tags = "[";
    // 20 different tags of 40 characters: 38 checkmarks and a two-digit number.
    for (int i = 0; i < 20; ++i) {
        auto tag = quoted(38, "\xe2\x9c\x93");
        tag.insert(tag.size() - 1, std::to_string(10 + i));
        tags += (i ? "," : "") + tag;
    }
    EXPECT_EQ(refusal("{\"title\":\"t\",\"tags\":" + tags + "]}"), "");
}

TEST(MemoryInput, EachBrokenRuleNamesItsField) {
    auto names = [](const std::string& body, const std::string& field) {
        auto message = refusal(body);
        EXPECT_TRUE(message.starts_with(field) ||
                    message.find(" " + field + " ") != std::string::npos)
            << body << " → " << message;
    };
    names("{}", "title");
    names(R"({"title":5})", "title");
    names("{\"title\":" + quoted(201) + "}", "title");
    names(R"({"title":"t","body":[]})", "body");
    names("{\"title\":\"t\",\"body\":" + quoted(65537) + "}", "body");
    names(R"({"title":"t","tags":"x"})", "tags");
    names(R"({"title":"t","tags":[1]})", "tags");
    names(R"({"title":"t","tags":[""]})", "tags");
    names("{\"title\":\"t\",\"tags\":[" + quoted(41) + "]}", "tags");
    std::string many = "[";
    for (int i = 0; i < 21; ++i) many += (i ? ",\"x\"" : "\"x\"");
    names("{\"title\":\"t\",\"tags\":" + many + "]}", "tags");
}

}  // namespace
}  // namespace mindme::app
