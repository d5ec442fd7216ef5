// The AccountStore conformance suite: the same cases for every SQL backend (SQLite in
// the unit tier; PostgreSQL, PgBouncer and MariaDB in the service tier).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "core/await_now.hpp"
#include "store/accounts.hpp"
#include "store/test_backends.hpp"

namespace mindme::store {
namespace {

namespace asio = boost::asio;

using test_backends::Backend;
using test_backends::later;

using core::await_now;

class AccountStoreConformance : public ::testing::TestWithParam<Backend (*)()> {
protected:
    void SetUp() override {
        backend_ = GetParam()();
        db_ = backend_.open();
        store_ = make_sql_account_store(*db_);
    }
    void TearDown() override {
        store_.reset();
        db_.reset();
        backend_.cleanup();
    }

    std::optional<User> create(const std::string& id, const std::string& email_key,
                               const std::string& token_hash = "") {
        User u{id, email_key, "hash", 1000};
        SessionRecord s{token_hash.empty() ? id + "-token" : token_hash, id, 1000, 5000};
        return await_now(store_->create_user(u, email_key, s, later()));
    }

    Backend backend_;
    std::unique_ptr<SqlDatabase> db_;
    std::unique_ptr<AccountStore> store_;
};

TEST_P(AccountStoreConformance, CreatesAndFindsUsersByEmailKey) {
    ASSERT_TRUE(create("u1", "ann@example.com"));
    auto found = await_now(store_->find_user_by_email("ann@example.com", later()));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, "u1");
    EXPECT_EQ(found->password_hash, "hash");
    EXPECT_FALSE(await_now(store_->find_user_by_email("bob@example.com", later())));
}

TEST_P(AccountStoreConformance, ATakenEmailIsRefusedAndLeavesNoSession) {
    ASSERT_TRUE(create("u1", "ann@example.com"));
    EXPECT_FALSE(create("u2", "ann@example.com", "second-token"));
    EXPECT_FALSE(await_now(store_->find_session("second-token", 2000, later())));
}

TEST_P(AccountStoreConformance, SessionsExpireAndRevoke) {
    ASSERT_TRUE(create("u1", "ann@example.com", "t1"));
    auto live = await_now(store_->find_session("t1", 2000, later()));
    ASSERT_TRUE(live);
    EXPECT_EQ(live->user.id, "u1");
    EXPECT_EQ(live->expires_at_ms, 5000);
    EXPECT_FALSE(await_now(store_->find_session("t1", 5000, later())));  // expired
    await_now(store_->create_session({"t2", "u1", 2000, 9000}, later()));
    EXPECT_TRUE(await_now(store_->revoke_session("t2", 3000, later())));
    EXPECT_FALSE(await_now(store_->find_session("t2", 3001, later())));
    EXPECT_FALSE(await_now(store_->revoke_session("t2", 3002, later())));  // already revoked
    EXPECT_FALSE(await_now(store_->revoke_session("nope", 3002, later())));
}

TEST_P(AccountStoreConformance, ListsAndRevokesAllLiveSessionsOfAUser) {
    ASSERT_TRUE(create("u1", "ann@example.com", "t1"));  // created 1000, expires 5000
    ASSERT_TRUE(create("u2", "bob@example.com", "b1"));
    await_now(store_->create_session({"t2", "u1", 2000, 9000}, later()));
    await_now(store_->create_session({"t3", "u1", 2500, 9000}, later()));
    await_now(store_->revoke_session("t3", 2600, later()));
    auto live = await_now(store_->list_sessions("u1", 3000, later()));
    ASSERT_EQ(live.size(), 2u);
    EXPECT_EQ(live[0].token_hash, "t2");  // newest first
    EXPECT_EQ(live[1].token_hash, "t1");
    EXPECT_EQ(live[0].expires_at_ms, 9000);
    EXPECT_EQ(await_now(store_->list_sessions("u1", 6000, later())).size(), 1u);  // t1 expired

    auto revoked = await_now(store_->revoke_user_sessions("u1", 3000, later()));
    std::sort(revoked.begin(), revoked.end());
    EXPECT_EQ(revoked, (std::vector<std::string>{"t1", "t2"}));
    EXPECT_FALSE(await_now(store_->find_session("t1", 3001, later())));
    EXPECT_FALSE(await_now(store_->find_session("t2", 3001, later())));
    EXPECT_TRUE(await_now(store_->find_session("b1", 3001, later())));  // another user's
    EXPECT_TRUE(await_now(store_->revoke_user_sessions("u1", 3002, later())).empty());
}

TEST_P(AccountStoreConformance, ConcurrentSignUpsForOneEmailMakeOneAccount) {
    asio::io_context ioc;
    std::vector<std::future<std::optional<User>>> results;
    for (int i = 0; i < 16; ++i) {
        User u{"u" + std::to_string(i), "same@example.com", "hash", 1000};
        SessionRecord s{"t" + std::to_string(i), u.id, 1000, 5000};
        results.push_back(asio::co_spawn(
            ioc, store_->create_user(u, "same@example.com", s, later()), asio::use_future));
    }
    ioc.run();
    int created = 0;
    for (auto& r : results) created += r.get().has_value() ? 1 : 0;
    EXPECT_EQ(created, 1);
}

INSTANTIATE_TEST_SUITE_P(Sql, AccountStoreConformance,
                         ::testing::ValuesIn(test_backends::tier_backends()),
                         test_backends::backend_name);

}  // namespace
}  // namespace mindme::store
