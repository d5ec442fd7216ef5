#include "app/paging.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "core/base64url.hpp"
#include "core/error_of.hpp"
#include "core/errors.hpp"

namespace mindme::app {
namespace {

// Requests whose query text outlives them (Request::query is a view).
http::Request with_query(std::string query) {
    static std::deque<std::string> texts;
    http::Request req;
    req.query = texts.emplace_back(std::move(query));
    return req;
}

using core::error_of;

TEST(Paging, LimitIsAWholeNumberInRange) {
    EXPECT_EQ(limit_param(with_query(""), "limit", 50, 200), 50u);
    EXPECT_EQ(limit_param(with_query("limit=1"), "limit", 50, 200), 1u);
    EXPECT_EQ(limit_param(with_query("limit=200"), "limit", 50, 200), 200u);
    for (auto bad : {"limit=0", "limit=201", "limit=-1", "limit=", "limit=5x", "limit=1.5",
                     "limit=99999999999999999999"}) {
        auto req = with_query(bad);
        EXPECT_EQ(error_of([&] { limit_param(req, "limit", 50, 200); }),
                  core::ErrorCode::kUnprocessable)
            << bad;
    }
}

TEST(Paging, ListCursorsRoundTrip) {
    auto cursor = encode_list_cursor({1764000000123, "abc-_9"});
    auto req = with_query("cursor=" + cursor);
    auto position = list_cursor_param(req, "cursor");
    ASSERT_TRUE(position);
    EXPECT_EQ(position->updated_at_ms, 1764000000123);
    EXPECT_EQ(position->id, "abc-_9");
    EXPECT_FALSE(list_cursor_param(with_query(""), "cursor"));
}

TEST(Paging, SyncCursorsRoundTripAndStartAtZero) {
    auto req = with_query("since=" + encode_sync_cursor(42));
    EXPECT_EQ(sync_cursor_param(req, "since"), 42);
    EXPECT_EQ(sync_cursor_param(with_query(""), "since"), 0);
}

TEST(Paging, ForeignOrTamperedCursorsAreBadRequests) {
    std::vector<std::string> bad{"cursor=%%%",
                                 "cursor=" + core::base64url_encode("l123"),
                                 "cursor=" + core::base64url_encode("lx.id"),
                                 "cursor=" + core::base64url_encode("l5."),
                                 "cursor=" + encode_sync_cursor(5),
                                 "cursor=",
                                 "cursor=bm90IGEgY3Vyc29y"};
    for (const auto& q : bad) {
        auto req = with_query(q);
        EXPECT_EQ(error_of([&] { list_cursor_param(req, "cursor"); }), core::ErrorCode::kBadRequest)
            << q;
    }
    std::vector<std::string> bad_since{"since=" + encode_list_cursor({1, "a"}),
                                       "since=" + core::base64url_encode("s-3"), "since=czE="};
    for (const auto& q : bad_since) {
        auto req = with_query(q);
        EXPECT_EQ(error_of([&] { sync_cursor_param(req, "since"); }), core::ErrorCode::kBadRequest)
            << q;
    }
}

}  // namespace
}  // namespace mindme::app
