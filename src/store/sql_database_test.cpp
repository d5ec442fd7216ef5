#include "store/sql_database.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>

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

TEST_F(SqlDatabaseTest, UnknownUrlsAreRefused) {
    options_.url = "oracle://x";
    EXPECT_THROW(SqlDatabase::open(options_), std::runtime_error);
    EXPECT_FALSE(sqlite_path("sqlite://"));
    EXPECT_EQ(sqlite_path("sqlite:///var/db.sqlite"), "/var/db.sqlite");
}

}  // namespace
}  // namespace mindme::store
