// Reads through store.replicas, on the postgres fixture's primary and its streaming
// replica.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <chrono>

#include "core/await_now.hpp"
#include "store/accounts.hpp"
#include "store/memories.hpp"
#include "store/replica_set.hpp"
#include "store/test_backends.hpp"

namespace mindme::store {
namespace {

using core::await_now;
using test_backends::later;

std::string replica_url() { return test_backends::service_url("postgres_replica"); }

// A fresh schema on the primary, seen through the replica once it has replayed it.
class ReplicaTest : public ::testing::Test {
protected:
    void SetUp() override {
        schema_ = "r" + std::to_string(::getpid());
        primary_sql("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
        primary_sql("CREATE SCHEMA " + schema_);
    }
    void TearDown() override { primary_sql("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"); }

    void primary_sql(const std::string& sql) {
        soci::session s(soci::postgresql, postgres_conninfo(test_backends::postgres_test_url()));
        s << sql;
    }
    std::string in_schema(const std::string& url) {
        return url + "?options=-c%20search_path%3D" + schema_;
    }
    std::unique_ptr<SqlDatabase> open(std::vector<std::string> replicas) {
        DatabaseOptions o;
        o.url = in_schema(test_backends::postgres_test_url());
        o.connections = 2;
        o.max_overflow = 0;
        o.replicas = std::move(replicas);
        auto db = SqlDatabase::open(o);
        migrate(*db);
        return db;
    }
    // Bounded: the replica replays the schema within milliseconds on loopback.
    bool replica_has_tables() {
        soci::session s(soci::postgresql, postgres_conninfo(replica_url()));
        for (int i = 0; i < 10000; ++i) {
            int n = 0;
            s << "SELECT COUNT(*) FROM pg_tables WHERE schemaname = '" + schema_ +
                     "' AND tablename = 'memories'",
                soci::into(n);
            if (n == 1) return true;
        }
        return false;
    }

    std::string schema_;
};

void add_user(SqlDatabase& db, const std::string& id) {
    auto accounts = make_sql_account_store(db);
    ASSERT_TRUE(await_now(accounts->create_user({id, id + "@example.com", "hash", 1}, id,
                                                {id + "-token", id, 1, 2}, later())));
}

Memory memory(const std::string& user, const std::string& id) {
    Memory m;
    m.id = id;
    m.user_id = user;
    m.title = "t";
    return m;
}

TEST_F(ReplicaTest, ReadsGoToTheReplicaExceptAWritersOwn) {
    auto db = open({in_schema(replica_url())});
    ASSERT_TRUE(replica_has_tables());
    ASSERT_TRUE(db->replicas()->wait_checked(std::chrono::seconds(10)));
    ASSERT_TRUE(db->replicas()->status().at(0).up);
    add_user(*db, "ann");
    auto store = make_sql_memory_store(*db);
    await_now(store->create(memory("ann", "a1"), 1000, later()));
    // ann just wrote: her read sees it at once, from the primary.
    EXPECT_TRUE(await_now(store->find("ann", "a1", later())));
    EXPECT_EQ(db->replicas()->primary_reads(), 1u);
    EXPECT_EQ(db->replicas()->status().at(0).reads, 0u);
    // bob did not write: his reads go to the replica.
    EXPECT_FALSE(await_now(store->find("bob", "a1", later())));
    await_now(store->list("bob", std::nullopt, 10, later()));
    EXPECT_EQ(db->replicas()->status().at(0).reads, 2u);
    EXPECT_EQ(db->replicas()->primary_reads(), 1u);
}

TEST_F(ReplicaTest, AReplicaThatDoesNotAnswerGetsNoReads) {
    // Port 1 on loopback: nothing listens.
    auto db = open({"postgresql://postgres@127.0.0.1:1/mindme?connect_timeout=2"});
    ASSERT_TRUE(db->replicas()->wait_checked(std::chrono::seconds(10)));
    EXPECT_FALSE(db->replicas()->status().at(0).up);
    add_user(*db, "ann");
    auto store = make_sql_memory_store(*db);
    await_now(store->create(memory("ann", "a1"), 1000, later()));
    EXPECT_TRUE(await_now(store->find("bob", "a1", later())) == std::nullopt);
    EXPECT_EQ(db->replicas()->primary_reads(), 1u);
    EXPECT_EQ(db->replicas()->status().at(0).reads, 0u);
}

TEST_F(ReplicaTest, SqliteHasNoReplicas) {
    DatabaseOptions o;
    o.url = "sqlite:///tmp/mindme-replica-refused.db";
    o.replicas = {in_schema(replica_url())};
    EXPECT_THROW(SqlDatabase::open(o), std::runtime_error);
}

}  // namespace
}  // namespace mindme::store
