// RedisClient against the fixture's real cluster (3 masters, 3 replicas): discovery
// from any node, routing by slot, and the two redirections a slot migration causes —
// MOVED once a slot has moved, ASK while it moves — produced by migrating a slot for
// real, the way `redis-cli --cluster reshard` does.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <unistd.h>

#include "cache/redis_client.hpp"
#include "cache/redis_test_servers.hpp"

namespace mindme::cache {
namespace {

using test::node_command;

std::string text(const RedisReply& r) { return {r->str, r->len}; }

class RedisClusterTest : public ::testing::Test {
protected:
    void SetUp() override {
        nodes_ = test::fixture_redis("redis_cluster");
        for (const auto& n : nodes_)
            if (test::is_master(n)) masters_.push_back(n);
        ASSERT_GE(masters_.size(), 3u);
        tag_ = "{mindme-test-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name() + "}";
    }

    RedisClient client_of(std::vector<RedisAddress> seeds) {
        RedisClientOptions o;
        o.seeds = std::move(seeds);
        o.timeout = std::chrono::milliseconds(2000);
        return RedisClient(o);
    }

    // The master that serves `key` now: the one that does not redirect a read.
    RedisAddress owner_of(const std::string& key) {
        for (const auto& m : masters_) {
            auto r = node_command(m, {"EXISTS", key});
            if (r->type == REDIS_REPLY_INTEGER) return m;
        }
        throw std::runtime_error("no master serves " + key);
    }

    RedisAddress other_master(const RedisAddress& than) {
        for (const auto& m : masters_)
            if (!(m == than)) return m;
        throw std::runtime_error("one master only");
    }

    std::string id_of(const RedisAddress& node) {
        return text(node_command(node, {"CLUSTER", "MYID"}));
    }

    void expect_ok(RedisReply r) {
        ASSERT_TRUE(r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_STRING)
            << (r->type == REDIS_REPLY_ERROR ? text(r) : "");
    }

    void begin_migration(std::uint16_t slot, const RedisAddress& from, const RedisAddress& to) {
        auto s = std::to_string(slot);
        expect_ok(node_command(to, {"CLUSTER", "SETSLOT", s, "IMPORTING", id_of(from)}));
        expect_ok(node_command(from, {"CLUSTER", "SETSLOT", s, "MIGRATING", id_of(to)}));
    }

    void migrate_key(const std::string& key, const RedisAddress& from, const RedisAddress& to) {
        expect_ok(
            node_command(from, {"MIGRATE", to.host, std::to_string(to.port), key, "0", "5000"}));
    }

    // Moves the slot's remaining keys and hands the slot to `to` on every master.
    void finish_migration(std::uint16_t slot, const RedisAddress& from, const RedisAddress& to) {
        auto s = std::to_string(slot);
        for (int batch = 0; batch < 1000; ++batch) {
            auto keys = node_command(from, {"CLUSTER", "GETKEYSINSLOT", s, "100"});
            if (keys->elements == 0) break;
            for (std::size_t i = 0; i < keys->elements; ++i)
                migrate_key({keys->element[i]->str, keys->element[i]->len}, from, to);
        }
        auto owner = id_of(to);
        expect_ok(node_command(to, {"CLUSTER", "SETSLOT", s, "NODE", owner}));
        expect_ok(node_command(from, {"CLUSTER", "SETSLOT", s, "NODE", owner}));
        for (const auto& m : masters_)
            if (!(m == to) && !(m == from))
                expect_ok(node_command(m, {"CLUSTER", "SETSLOT", s, "NODE", owner}));
    }

    void move_slot(std::uint16_t slot, const RedisAddress& from, const RedisAddress& to) {
        begin_migration(slot, from, to);
        finish_migration(slot, from, to);
    }

    std::vector<RedisAddress> nodes_;
    std::vector<RedisAddress> masters_;
    std::string tag_;  // a hash tag of this test's own: its keys share one slot
};

TEST_F(RedisClusterTest, FromOneSeedEveryKeyGoesToTheMasterOfItsSlot) {
    auto client = client_of({nodes_.back()});  // any node will do, a replica too
    std::string prefix = "route-" + std::to_string(::getpid()) + "-";
    for (int i = 0; i < 200; ++i) {
        auto key = prefix + std::to_string(i);
        auto r = client.command(key, {"SET", key, std::to_string(i), "PX", "60000"});
        ASSERT_TRUE(r) << key;
    }
    EXPECT_TRUE(client.is_cluster());
    std::vector<int> held(masters_.size(), 0);
    for (int i = 0; i < 200; ++i) {
        auto key = prefix + std::to_string(i);
        auto r = client.command(key, {"GET", key});
        ASSERT_TRUE(r && r->type == REDIS_REPLY_STRING) << key;
        EXPECT_EQ(text(r), std::to_string(i));
        for (std::size_t m = 0; m < masters_.size(); ++m)
            if (node_command(masters_[m], {"EXISTS", key})->integer == 1) ++held[m];
    }
    // Each key lives on exactly one master, and every master holds some.
    int total = 0;
    for (int h : held) {
        EXPECT_GT(h, 0);
        total += h;
    }
    EXPECT_EQ(total, 200);
    EXPECT_EQ(client.failures(), 0u);
}

TEST_F(RedisClusterTest, AMovedSlotIsFollowed) {
    auto key = tag_ + "k";
    auto slot = redis_key_slot(key);
    auto client = client_of(nodes_);
    ASSERT_TRUE(client.command(key, {"SET", key, "before", "PX", "60000"}));
    auto from = owner_of(key);
    auto to = other_master(from);
    move_slot(slot, from, to);
    // The client still believes `from` serves the slot: MOVED sends it to `to`.
    auto r = client.command(key, {"GET", key});
    ASSERT_TRUE(r && r->type == REDIS_REPLY_STRING);
    EXPECT_EQ(text(r), "before");
    ASSERT_TRUE(client.command(key, {"SET", key, "after", "PX", "60000"}));
    EXPECT_EQ(text(node_command(to, {"GET", key})), "after");
    EXPECT_EQ(client.failures(), 0u);
    move_slot(slot, to, from);
}

TEST_F(RedisClusterTest, AKeyAlreadyMigratedIsReadThroughAsk) {
    auto moved = tag_ + "moved";
    auto stays = tag_ + "stays";
    auto slot = redis_key_slot(moved);
    ASSERT_EQ(slot, redis_key_slot(stays));
    auto client = client_of(nodes_);
    ASSERT_TRUE(client.command(moved, {"SET", moved, "m", "PX", "60000"}));
    ASSERT_TRUE(client.command(stays, {"SET", stays, "s", "PX", "60000"}));
    auto from = owner_of(moved);
    auto to = other_master(from);
    begin_migration(slot, from, to);
    migrate_key(moved, from, to);
    // Mid-migration: `from` answers for the key it still has and sends the client to
    // `to` (ASK) for the one it no longer has; the slot is still `from`'s.
    auto r = client.command(moved, {"GET", moved});
    ASSERT_TRUE(r && r->type == REDIS_REPLY_STRING);
    EXPECT_EQ(text(r), "m");
    r = client.command(stays, {"GET", stays});
    ASSERT_TRUE(r && r->type == REDIS_REPLY_STRING);
    EXPECT_EQ(text(r), "s");
    EXPECT_EQ(node_command(from, {"EXISTS", moved})->integer, 0);
    EXPECT_EQ(client.failures(), 0u);
    finish_migration(slot, from, to);
    move_slot(slot, to, from);
}

TEST_F(RedisClusterTest, ASingleServerIsUsedAsOne) {
    auto client = client_of(test::fixture_redis("redis"));
    auto key = tag_ + "single";
    ASSERT_TRUE(client.command(key, {"SET", key, "v", "PX", "60000"}));
    auto r = client.command(key, {"GET", key});
    ASSERT_TRUE(r && r->type == REDIS_REPLY_STRING);
    EXPECT_EQ(text(r), "v");
    EXPECT_FALSE(client.is_cluster());
}

TEST_F(RedisClusterTest, NothingListeningIsAFailureNotAHang) {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    auto client = client_of({{"127.0.0.1", 1}});
    EXPECT_FALSE(client.command("k", {"GET", "k"}));
    EXPECT_FALSE(client.command("k", {"GET", "k"}));
    EXPECT_GE(client.failures(), 2u);
}

TEST_F(RedisClusterTest, TheCommandsOwnErrorIsNotAFailure) {
    auto client = client_of(nodes_);
    auto key = tag_ + "hash";
    ASSERT_TRUE(client.command(key, {"HSET", key, "f", "v"}));
    EXPECT_FALSE(client.command(key, {"GET", key}));  // WRONGTYPE
    EXPECT_EQ(client.failures(), 0u);
    client.command(key, {"DEL", key});
}

}  // namespace
}  // namespace mindme::cache
