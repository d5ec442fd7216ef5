// The DeviceStore conformance suite (with the push jobs a file's end enqueues, and the
// accounts bound to Firebase uids): the same cases for every SQL backend.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "core/await_now.hpp"
#include "store/devices.hpp"
#include "store/files.hpp"
#include "store/test_backends.hpp"

namespace mindme::store {
namespace {

using core::await_now;
using test_backends::Backend;
using test_backends::later;

class DeviceStoreConformance : public ::testing::TestWithParam<Backend (*)()> {
protected:
    void SetUp() override {
        backend_ = GetParam()();
        db_ = backend_.open();
        accounts_ = make_sql_account_store(*db_);
        store_ = make_sql_device_store(*db_);
        for (std::string id : {"ann", "bob"})
            ASSERT_TRUE(await_now(accounts_->create_user({id, id, "hash", 1}, id,
                                                         {id + "-token", id, 1, 2}, later())));
    }
    void TearDown() override {
        store_.reset();
        accounts_.reset();
        db_.reset();
        backend_.cleanup();
    }
    Registration add(const std::string& user, const std::string& id, const std::string& token,
                     std::int64_t at, std::size_t max = 10) {
        return await_now(store_->register_device({id, user, "android", token, at}, max, later()));
    }
    std::vector<std::string> ids(const std::string& user) {
        std::vector<std::string> out;
        for (const auto& d : await_now(store_->list(user, later()))) out.push_back(d.id);
        return out;
    }
    std::vector<std::string> push_payloads() {
        return db_->run_now([](soci::session& s) {
            std::vector<std::string> out(100);
            std::string topic = kPushTopic;
            s << "SELECT payload FROM jobs WHERE topic = :t ORDER BY payload", soci::use(topic),
                soci::into(out);
            return out;
        });
    }

    Backend backend_;
    std::unique_ptr<SqlDatabase> db_;
    std::unique_ptr<AccountStore> accounts_;
    std::unique_ptr<DeviceStore> store_;
};

TEST_P(DeviceStoreConformance, RegistersOnceAndListsNewestFirst) {
    auto first = add("ann", "d1", "token-one", 10);
    EXPECT_TRUE(first.created);
    EXPECT_EQ(first.device.id, "d1");
    auto again = add("ann", "d9", "token-one", 20);
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.device.id, "d1");
    EXPECT_EQ(again.device.created_at_ms, 10);
    add("ann", "d2", std::string(4000, 't'), 30);
    EXPECT_EQ(ids("ann"), (std::vector<std::string>{"d2", "d1"}));
    auto found = await_now(store_->find("ann", "d2", later()));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->token, std::string(4000, 't'));
    EXPECT_EQ(found->platform, "android");
    EXPECT_FALSE(await_now(store_->find("bob", "d2", later())));
}

TEST_P(DeviceStoreConformance, ATokenMovesToTheUserWhoRegistersItLast) {
    add("ann", "d1", "shared", 10);
    auto moved = add("bob", "d2", "shared", 20);
    EXPECT_TRUE(moved.created);
    EXPECT_EQ(moved.device.id, "d2");
    EXPECT_TRUE(ids("ann").empty());
    EXPECT_EQ(ids("bob"), (std::vector<std::string>{"d2"}));
}

TEST_P(DeviceStoreConformance, RemovesOnlyTheUsersOwnDevice) {
    add("ann", "d1", "a", 10);
    EXPECT_FALSE(await_now(store_->remove("bob", "d1", later())));
    EXPECT_TRUE(await_now(store_->remove("ann", "d1", later())));
    EXPECT_FALSE(await_now(store_->remove("ann", "d1", later())));
    EXPECT_TRUE(ids("ann").empty());
}

TEST_P(DeviceStoreConformance, ADeadTokenIsRemovedOnlyWhileTheDeviceHoldsIt) {
    add("ann", "d1", "old", 10);
    EXPECT_FALSE(await_now(store_->remove_token("d1", "other", later())));
    EXPECT_EQ(ids("ann").size(), 1u);
    EXPECT_TRUE(await_now(store_->remove_token("d1", "old", later())));
    EXPECT_TRUE(ids("ann").empty());
}

TEST_P(DeviceStoreConformance, AUserPastTheBoundLosesTheOldestDevice) {
    add("ann", "d1", "a", 10, 2);
    add("ann", "d2", "b", 20, 2);
    add("ann", "d3", "c", 30, 2);
    EXPECT_EQ(ids("ann"), (std::vector<std::string>{"d3", "d2"}));
}

TEST_P(DeviceStoreConformance, AFilesEndEnqueuesAPushPerDeviceWhenPushIsOn) {
    add("ann", "d1", "a", 10);
    add("ann", "d2", "b", 20);
    add("bob", "d3", "c", 30);
    for (bool push : {false, true}) {
        auto files = make_sql_file_store(*db_, {}, push);
        FileRecord f;
        f.id = push ? "f-push" : "f-quiet";
        f.user_id = "ann";
        f.name = "a.png";
        f.content_type = "image/png";
        f.size = 1;
        f.sha256 = std::string(64, '0');
        await_now(files->create(f, 100, later()));
        f.status = "ready";
        ASSERT_TRUE(await_now(files->record_processing(f, 200, later())));
    }
    auto payloads = push_payloads();
    ASSERT_EQ(payloads.size(), 2u);
    std::vector<std::string> devices;
    for (const auto& p : payloads) {
        auto ref = parse_push_payload(p);
        EXPECT_EQ(ref.user_id, "ann");
        EXPECT_EQ(ref.event, "file.ready");
        EXPECT_EQ(ref.id, "f-push");
        devices.push_back(ref.device_id);
    }
    std::sort(devices.begin(), devices.end());
    EXPECT_EQ(devices, (std::vector<std::string>{"d1", "d2"}));
    EXPECT_THROW(parse_push_payload("{}"), std::invalid_argument);
}

TEST_P(DeviceStoreConformance, AFirebaseUidHasOneAccount) {
    User fresh{"fb1", "ann@example.com", "", 5};
    auto made = await_now(accounts_->firebase_user("uid-1", fresh, later()));
    EXPECT_EQ(made.id, "fb1");
    EXPECT_EQ(made.email, "ann@example.com");
    auto again = await_now(accounts_->firebase_user("uid-1", {"fb2", "", "", 6}, later()));
    EXPECT_EQ(again.id, "fb1");
    EXPECT_EQ(again.password_hash, "");
    // No password sign-in reaches it: its email key is no email.
    EXPECT_FALSE(await_now(accounts_->find_user_by_email("ann@example.com", later())));
    // Two first sign-ins at once make one account.
    boost::asio::io_context loop;
    auto a =
        boost::asio::co_spawn(loop, accounts_->firebase_user("uid-2", {"x1", "", "", 7}, later()),
                              boost::asio::use_future);
    auto b =
        boost::asio::co_spawn(loop, accounts_->firebase_user("uid-2", {"x2", "", "", 7}, later()),
                              boost::asio::use_future);
    loop.run();
    EXPECT_EQ(a.get().id, b.get().id);
}

INSTANTIATE_TEST_SUITE_P(Sql, DeviceStoreConformance,
                         ::testing::ValuesIn(test_backends::tier_backends()),
                         test_backends::backend_name);

}  // namespace
}  // namespace mindme::store
