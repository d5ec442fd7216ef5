// The PurchaseStore conformance suite: the same cases for every SQL backend. A purchase
// grants once (a replay is the same grant, another account is refused, two grants at
// once make one), a renewal extends and a refund revokes, each change lands in the user's
// change log, app_account_tokens are assigned once and found again, and a store
// notification is accepted once, with the job that applies it.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "core/await_now.hpp"
#include "store/memories.hpp"
#include "store/purchases.hpp"
#include "store/test_backends.hpp"

namespace mindme::store {
namespace {

using core::await_now;
using test_backends::Backend;
using test_backends::later;

constexpr std::int64_t kDay = 24 * 3600 * 1000LL;

class PurchaseStoreConformance : public ::testing::TestWithParam<Backend (*)()> {
protected:
    void SetUp() override {
        backend_ = GetParam()();
        db_ = backend_.open();
        accounts_ = make_sql_account_store(*db_);
        memories_ = make_sql_memory_store(*db_);
        store_ = make_sql_purchase_store(*db_);
        for (std::string id : {"ann", "bob"})
            ASSERT_TRUE(await_now(accounts_->create_user({id, id, "hash", 1}, id,
                                                         {id + "-token", id, 1, 2}, later())));
    }
    void TearDown() override {
        store_.reset();
        memories_.reset();
        accounts_.reset();
        db_.reset();
        backend_.cleanup();
    }

    static Entitlement purchase(const std::string& id, const std::string& user,
                                const std::string& source,
                                std::optional<std::int64_t> expires = std::nullopt) {
        Entitlement e;
        e.id = id;
        e.user_id = user;
        e.entitlement = "plus";
        e.product_id = "mindme.plus.monthly";
        e.kind = expires ? "subscription" : "non-consumable";
        e.platform = "ios";
        e.source = source;
        e.granted_at_ms = 1000;
        e.updated_at_ms = 1000;
        e.expires_at_ms = expires;
        return e;
    }

    GrantResult grant(const Entitlement& e) { return await_now(store_->grant(e, later())); }

    // The user's logged entitlement changes, as JSON.
    std::vector<boost::json::object> logged(const std::string& user) {
        std::vector<boost::json::object> out;
        for (const auto& c : await_now(memories_->changes(user, 0, 100, later())).changes)
            if (c.kind == kEntitlementChange)
                out.push_back(boost::json::parse(c.snapshot).as_object());
        return out;
    }

    Backend backend_;
    std::unique_ptr<SqlDatabase> db_;
    std::unique_ptr<AccountStore> accounts_;
    std::unique_ptr<MemoryStore> memories_;
    std::unique_ptr<PurchaseStore> store_;
};

TEST_P(PurchaseStoreConformance, APurchaseGrantsOnceToOneAccount) {
    auto first = grant(purchase("g1", "ann", "ios:1000"));
    EXPECT_EQ(first.status, GrantStatus::kCreated);
    auto replay = grant(purchase("g2", "ann", "ios:1000"));
    EXPECT_EQ(replay.status, GrantStatus::kExisting);
    EXPECT_EQ(replay.entitlement.id, "g1");
    auto stolen = grant(purchase("g3", "bob", "ios:1000"));
    EXPECT_EQ(stolen.status, GrantStatus::kOtherAccount);
    EXPECT_TRUE(await_now(store_->active_entitlements("bob", 2000, later())).empty());
    auto mine = await_now(store_->active_entitlements("ann", 2000, later()));
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].id, "g1");
    EXPECT_EQ(mine[0].entitlement, "plus");
    EXPECT_FALSE(mine[0].expires_at_ms);
    auto changes = logged("ann");
    ASSERT_EQ(changes.size(), 1u);  // the replay changed nothing
    EXPECT_EQ(changes[0].at("product_id"), "mindme.plus.monthly");
    EXPECT_EQ(changes[0].at("active"), true);
}

TEST_P(PurchaseStoreConformance, TwoGrantsAtOnceMakeOne) {
    boost::asio::io_context loop;
    auto a = boost::asio::co_spawn(loop, store_->grant(purchase("a1", "ann", "ios:7"), later()),
                                   boost::asio::use_future);
    auto b = boost::asio::co_spawn(loop, store_->grant(purchase("b1", "bob", "ios:7"), later()),
                                   boost::asio::use_future);
    loop.run();
    auto ra = a.get();
    auto rb = b.get();
    EXPECT_EQ(ra.entitlement.id, rb.entitlement.id);
    EXPECT_NE(ra.status == GrantStatus::kCreated, rb.status == GrantStatus::kCreated);
    auto held = await_now(store_->active_entitlements("ann", 2000, later())).size() +
                await_now(store_->active_entitlements("bob", 2000, later())).size();
    EXPECT_EQ(held, 1u);
}

TEST_P(PurchaseStoreConformance, RenewalsExtendRefundsRevokeAndExpiryEnds) {
    grant(purchase("s1", "ann", "ios:2000", 10 * kDay));
    EXPECT_EQ(await_now(store_->active_entitlements("ann", 5 * kDay, later())).size(), 1u);
    EXPECT_TRUE(await_now(store_->active_entitlements("ann", 11 * kDay, later())).empty());
    // The app sends the renewed transaction: the later expiry holds.
    auto renewed = grant(purchase("s2", "ann", "ios:2000", 40 * kDay));
    EXPECT_EQ(renewed.entitlement.expires_at_ms, 40 * kDay);
    EXPECT_EQ(await_now(store_->active_entitlements("ann", 11 * kDay, later())).size(), 1u);
    // An older one changes nothing.
    EXPECT_EQ(grant(purchase("s3", "ann", "ios:2000", 20 * kDay)).entitlement.expires_at_ms,
              40 * kDay);
    auto refunded =
        await_now(store_->update("ios:2000", std::nullopt, 12 * kDay, 12 * kDay, later()));
    ASSERT_TRUE(refunded);
    EXPECT_EQ(refunded->revoked_at_ms, 12 * kDay);
    EXPECT_TRUE(await_now(store_->active_entitlements("ann", 13 * kDay, later())).empty());
    EXPECT_FALSE(await_now(store_->update("ios:unknown", 1, std::nullopt, 1, later())));
    auto changes = logged("ann");
    ASSERT_EQ(changes.size(), 3u);  // granted, renewed, revoked
    EXPECT_EQ(changes[2].at("active"), false);
    EXPECT_TRUE(changes[2].contains("revoked_at"));
}

TEST_P(PurchaseStoreConformance, AppAccountTokensAreAssignedOnceAndFound) {
    auto ann = await_now(store_->app_account_token("ann", later()));
    EXPECT_EQ(ann.size(), 36u);
    EXPECT_EQ(await_now(store_->app_account_token("ann", later())), ann);
    auto bob = await_now(store_->app_account_token("bob", later()));
    EXPECT_NE(bob, ann);
    EXPECT_EQ(await_now(store_->user_by_app_account_token(ann, later())), "ann");
    EXPECT_FALSE(await_now(
        store_->user_by_app_account_token("00000000-0000-4000-8000-000000000000", later())));
}

TEST_P(PurchaseStoreConformance, ANotificationIsAcceptedOnceWithItsJob) {
    OutboxJob job{kStoreNotificationTopic, R"({"n":1})", 0};
    EXPECT_TRUE(await_now(store_->accept_notification("uuid-1", job, 1, later())));
    EXPECT_FALSE(await_now(store_->accept_notification("uuid-1", job, 2, later())));
    EXPECT_TRUE(await_now(store_->accept_notification("uuid-2", job, 3, later())));
    auto jobs = db_->run_now([](soci::session& s) {
        int n = 0;
        std::string topic = kStoreNotificationTopic;
        s << "SELECT COUNT(*) FROM jobs WHERE topic = :t", soci::use(topic), soci::into(n);
        return n;
    });
    EXPECT_EQ(jobs, 2);  // none for the redelivery
}

TEST_P(PurchaseStoreConformance, ACodeIsRedeemedOnceForItsOwner) {
    await_now(
        store_->create_code({"hash-1", "ann", "mindme.plus.monthly", 1000, 5000, {}}, later()));
    auto found = await_now(store_->find_code("hash-1", later()));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->user_id, "ann");
    EXPECT_FALSE(found->redeemed_at_ms);
    EXPECT_FALSE(await_now(store_->find_code("hash-none", later())));
    // Two redeems at once, with two proofs: exactly one wins.
    boost::asio::io_context loop;
    auto a = boost::asio::co_spawn(
        loop, store_->redeem_code("hash-1", purchase("q1", "bob", "ios:q1"), 2000, later()),
        boost::asio::use_future);
    auto b = boost::asio::co_spawn(
        loop, store_->redeem_code("hash-1", purchase("q2", "bob", "ios:q2"), 2000, later()),
        boost::asio::use_future);
    loop.run();
    auto ra = a.get();
    auto rb = b.get();
    EXPECT_EQ((ra.status == RedeemStatus::kGranted) + (rb.status == RedeemStatus::kGranted), 1);
    EXPECT_EQ((ra.status == RedeemStatus::kUsed) + (rb.status == RedeemStatus::kUsed), 1);
    auto& won = ra.status == RedeemStatus::kGranted ? ra : rb;
    EXPECT_EQ(won.entitlement.user_id, "ann");  // the code's owner, not the caller's guess
    EXPECT_TRUE(won.created);
    EXPECT_EQ(await_now(store_->active_entitlements("ann", 3000, later())).size(), 1u);
    EXPECT_TRUE(await_now(store_->active_entitlements("bob", 3000, later())).empty());
    EXPECT_EQ(
        await_now(store_->redeem_code("hash-none", purchase("q3", "ann", "ios:q3"), 2000, later()))
            .status,
        RedeemStatus::kUnknown);
}

TEST_P(PurchaseStoreConformance, AnExpiredCodeOrAnotherAccountsPurchaseGrantsNothing) {
    await_now(store_->create_code({"old", "ann", "mindme.lifetime", 1000, 5000, {}}, later()));
    EXPECT_EQ(await_now(store_->redeem_code("old", purchase("x1", "ann", "ios:x1"), 6000, later()))
                  .status,
              RedeemStatus::kExpired);
    grant(purchase("b1", "bob", "ios:bobs"));
    await_now(store_->create_code({"fresh", "ann", "mindme.lifetime", 1000, 9000, {}}, later()));
    EXPECT_EQ(
        await_now(store_->redeem_code("fresh", purchase("x2", "ann", "ios:bobs"), 2000, later()))
            .status,
        RedeemStatus::kOtherAccount);
    EXPECT_FALSE(await_now(store_->find_code("fresh", later()))->redeemed_at_ms);  // still usable
    EXPECT_TRUE(await_now(store_->active_entitlements("ann", 3000, later())).empty());
}

INSTANTIATE_TEST_SUITE_P(Sql, PurchaseStoreConformance,
                         ::testing::ValuesIn(test_backends::tier_backends()),
                         test_backends::backend_name);

}  // namespace
}  // namespace mindme::store
