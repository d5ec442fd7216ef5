// The bearer token of a request, and session tokens on SQLite with the memory cache:
// issued, accepted, revoked (everywhere the cache reaches), and a revocation notice.
#include "auth/authenticator.hpp"

#include <gtest/gtest.h>

#include "auth/credentials.hpp"
#include "auth/session_tokens.hpp"
#include "core/await_now.hpp"
#include "core/error_of.hpp"
#include "store/test_backends.hpp"

namespace mindme::auth {
namespace {

using core::await_now;
using core::error_of;
using store::test_backends::later;

// Request headers are views of the bytes read: `value` must outlive the request.
http::Request with_authorization(const std::string& value) {
    http::Request req;
    req.headers.emplace_back("Authorization", value);
    return req;
}

TEST(BearerToken, IsTheTrimmedTokenOfABearerAuthorization) {
    std::string header = "bearer  abc.def ";
    auto req = with_authorization(header);
    EXPECT_EQ(bearer_token(req), "abc.def");
    for (std::string bad : {"Basic abc", "Bearer", "Bearer    ", "abc"}) {
        auto r = with_authorization(bad);
        EXPECT_EQ(error_of([&] { bearer_token(r); }), core::ErrorCode::kUnauthorized) << bad;
    }
    http::Request none;
    EXPECT_EQ(error_of([&] { bearer_token(none); }), core::ErrorCode::kUnauthorized);
}

class SessionTokensTest : public ::testing::Test {
protected:
    void SetUp() override {
        backend_ = store::test_backends::sqlite_backend();
        db_ = backend_.open();
        store_ = store::make_sql_account_store(*db_);
        cache_ = cache::make_memory_cache({});
        tokens_.emplace(*store_, std::chrono::hours(1), *cache_, std::chrono::seconds(60));
    }
    void TearDown() override {
        tokens_.reset();
        store_.reset();
        db_.reset();
        backend_.cleanup();
    }

    // A user signed up with a session; returns its token.
    std::string sign_up(const std::string& id) {
        std::string token;
        auto session = tokens_->new_session(id, token);
        store::User user{id, id + "@example.com", "hash", 1000};
        EXPECT_TRUE(await_now(store_->create_user(user, user.email, session, later())));
        return token;
    }

    store::test_backends::Backend backend_;
    std::unique_ptr<store::SqlDatabase> db_;
    std::unique_ptr<store::AccountStore> store_;
    std::unique_ptr<cache::Cache> cache_;
    std::optional<SessionTokens> tokens_;
};

TEST_F(SessionTokensTest, ALiveTokenNamesItsUserAndOnlyItsDigestIsKept) {
    auto token = sign_up("ann");
    EXPECT_EQ(await_now(tokens_->user_for(token, later())).id, "ann");
    auto header = "Bearer " + token;
    auto req = with_authorization(header);
    EXPECT_EQ(await_now(tokens_->authenticate(req)).id, "ann");  // and from the cache
    EXPECT_EQ(tokens_->revocation_key(token), token_digest(token));
    EXPECT_NE(tokens_->revocation_key(token), token);
    EXPECT_EQ(error_of([&] { await_now(tokens_->user_for("not-a-token", later())); }),
              core::ErrorCode::kUnauthorized);
    EXPECT_EQ(error_of([&] { await_now(tokens_->user_for("  ", later())); }),
              core::ErrorCode::kUnauthorized);
}

TEST_F(SessionTokensTest, ARevokedTokenIsRefusedAndItsHoldersAreTold) {
    auto token = sign_up("bob");
    auto other = sign_up("cy");
    await_now(tokens_->user_for(token, later()));  // cached as live
    std::vector<std::string> revoked;
    tokens_->on_revoke([&](const std::string& key) { revoked.push_back(key); });
    await_now(tokens_->revoke(token, later()));
    EXPECT_EQ(revoked, std::vector<std::string>{token_digest(token)});
    EXPECT_EQ(error_of([&] { await_now(tokens_->user_for(token, later())); }),
              core::ErrorCode::kUnauthorized);
    EXPECT_EQ(error_of([&] { await_now(tokens_->revoke(token, later())); }),
              core::ErrorCode::kUnauthorized);
    EXPECT_EQ(await_now(tokens_->user_for(other, later())).id, "cy");
}

}  // namespace
}  // namespace mindme::auth
