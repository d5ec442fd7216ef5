#include "store/sql_database.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <condition_variable>
#include <filesystem>
#include <thread>

namespace mindme::store {
namespace {

namespace asio = boost::asio;

class SqlDatabaseTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            std::filesystem::temp_directory_path() / ("mindme-sqldb-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        options_.url = "sqlite://" + (dir_ / "sub" / "test.db").string();
        options_.connections = 4;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path dir_;
    DatabaseOptions options_;
};

TEST_F(SqlDatabaseTest, OpensWithWalAndForeignKeysAndCreatesTheDirectory) {
    auto db = SqlDatabase::open(options_);
    EXPECT_EQ(db->backend(), "sqlite");
    std::string mode;
    int fk = 0;
    db->run_now([&](soci::session& s) {
        s << "PRAGMA journal_mode", soci::into(mode);
        s << "PRAGMA foreign_keys", soci::into(fk);
    });
    EXPECT_EQ(mode, "wal");
    EXPECT_EQ(fk, 1);
}

TEST_F(SqlDatabaseTest, ConcurrentWritersFromTheLoopAllLand) {
    auto db = SqlDatabase::open(options_);
    db->run_now([](soci::session& s) { s << "CREATE TABLE t (n INTEGER)"; });
    asio::io_context ioc;
    constexpr int kWriters = 200;
    std::vector<std::future<void>> done;
    for (int i = 0; i < kWriters; ++i)
        done.push_back(asio::co_spawn(
            ioc,
            [&db, i]() -> asio::awaitable<void> {
                co_await db->run(
                    [i](soci::session& s) { s << "INSERT INTO t (n) VALUES (:n)", soci::use(i); });
            },
            asio::use_future));
    ioc.run();
    for (auto& f : done) f.get();
    auto count = db->run_now([](soci::session& s) {
        int n = 0;
        s << "SELECT COUNT(*) FROM t", soci::into(n);
        return n;
    });
    EXPECT_EQ(count, kWriters);
    EXPECT_EQ(db->pool_stats().completed, static_cast<std::uint64_t>(kWriters));
}

// Until `done()` or 10 s: a bounded wait for a condition another thread makes true.
template <class F>
bool within_ten_seconds(F done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a poll, not a core
    }
    return true;
}

// Holds every sync of the log until release(): what the commits are made to wait for.
struct HeldSync {
    std::mutex mutex;
    std::condition_variable released_cv;
    bool released = false;
    std::atomic<int> entered{0};

    void hold(WalSync& sync) {
        sync.set_before_sync([this] {
            ++entered;
            std::unique_lock lock(mutex);
            released_cv.wait(lock, [this] { return released; });
        });
    }
    void release() {
        {
            std::lock_guard lock(mutex);
            released = true;
        }
        released_cv.notify_all();
    }
};

TEST_F(SqlDatabaseTest, AWriteIsAnsweredOnlyOnceTheLogIsSynced) {
    auto db = SqlDatabase::open(options_);
    ASSERT_NE(db->wal_sync(), nullptr);
    db->run_now([](soci::session& s) { s << "CREATE TABLE t (n INTEGER)"; });
    HeldSync held;
    held.hold(*db->wal_sync());
    std::atomic<bool> answered{false};
    std::thread writer([&] {
        db->run_now([](soci::session& s) { s << "INSERT INTO t (n) VALUES (1)"; });
        answered = true;
    });
    ASSERT_TRUE(within_ten_seconds([&] { return held.entered.load() == 1; }));
    // The commit is in the log, the sync is held: the write has not been answered.
    EXPECT_FALSE(answered.load());
    held.release();
    writer.join();
    EXPECT_TRUE(answered.load());
    EXPECT_EQ(db->wal_sync()->stats().syncs, 1u);
    // A read changes nothing and waits for no sync.
    int n = 0;
    db->run_now([&](soci::session& s) { s << "SELECT COUNT(*) FROM t", soci::into(n); });
    EXPECT_EQ(n, 1);
    EXPECT_EQ(db->wal_sync()->stats().syncs, 1u);
}

TEST_F(SqlDatabaseTest, WritersThatCommitDuringASyncShareTheNextOne) {
    auto db = SqlDatabase::open(options_);
    db->run_now([](soci::session& s) { s << "CREATE TABLE t (n INTEGER)"; });
    HeldSync held;
    held.hold(*db->wal_sync());
    constexpr int kWriters = 4;  // the pool's connections
    std::vector<std::thread> writers;
    for (int i = 0; i < kWriters; ++i)
        writers.emplace_back([&db, i] {
            db->run_now(
                [i](soci::session& s) { s << "INSERT INTO t (n) VALUES (:n)", soci::use(i); });
        });
    // One sync runs (held) while every other writer has committed and waits.
    ASSERT_TRUE(within_ten_seconds(
        [&] { return held.entered.load() == 1 && db->wal_sync()->stats().requests == kWriters; }));
    held.release();
    for (auto& w : writers) w.join();
    // The held one, which may have begun after every writer had committed, then at
    // most one for the rest.
    EXPECT_LE(db->wal_sync()->stats().syncs, 2u);
    int n = 0;
    db->run_now([&](soci::session& s) { s << "SELECT COUNT(*) FROM t", soci::into(n); });
    EXPECT_EQ(n, kWriters);
}

TEST_F(SqlDatabaseTest, WritesWaitingForTheirSyncHoldNoPoolThread) {
    auto db = SqlDatabase::open(options_);  // 4 connections, 4 pool threads
    db->run_now([](soci::session& s) { s << "CREATE TABLE t (n INTEGER)"; });
    HeldSync held;
    held.hold(*db->wal_sync());
    asio::io_context ioc;
    constexpr int kWriters = 12;
    std::atomic<int> answered{0};
    for (int i = 0; i < kWriters; ++i)
        asio::co_spawn(
            ioc,
            [&db, &answered, i]() -> asio::awaitable<void> {
                co_await db->run(
                    [i](soci::session& s) { s << "INSERT INTO t (n) VALUES (:n)", soci::use(i); });
                ++answered;
            },
            asio::detached);
    std::thread loop([&ioc] { ioc.run(); });
    // Three times more writers than pool threads have all committed while the first
    // sync is held: none of them holds a thread while it waits.
    ASSERT_TRUE(within_ten_seconds(
        [&] { return held.entered.load() == 1 && db->wal_sync()->stats().requests == kWriters; }));
    EXPECT_EQ(answered.load(), 0);
    held.release();
    loop.join();
    EXPECT_EQ(answered.load(), kWriters);
    EXPECT_LE(db->wal_sync()->stats().syncs, 2u);
}

TEST_F(SqlDatabaseTest, NormalDurabilityWaitsForNoSync) {
    options_.durable = false;
    auto db = SqlDatabase::open(options_);
    EXPECT_EQ(db->wal_sync(), nullptr);
    db->run_now([](soci::session& s) {
        s << "CREATE TABLE t (n INTEGER)";
        s << "INSERT INTO t (n) VALUES (1)";
    });
}

TEST_F(SqlDatabaseTest, UnknownUrlsAreRefused) {
    options_.url = "oracle://x";
    EXPECT_THROW(SqlDatabase::open(options_), std::runtime_error);
    EXPECT_FALSE(sqlite_path("sqlite://"));
    EXPECT_EQ(sqlite_path("sqlite:///var/db.sqlite"), "/var/db.sqlite");
}

}  // namespace
}  // namespace mindme::store
