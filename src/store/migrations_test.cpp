#include "store/migrations.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <filesystem>

namespace mindme::store {
namespace {

class MigrationsTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() /
                ("mindme-migrations-" + std::to_string(::getpid()) + ".db");
        std::filesystem::remove(path_);
        session_.open(soci::sqlite3, "db=" + path_.string());
        session_ << "PRAGMA foreign_keys=ON";
    }
    void TearDown() override {
        session_.close();
        std::filesystem::remove(path_);
    }

    bool table_exists(const std::string& name) {
        int n = 0;
        session_ << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :n",
            soci::use(name), soci::into(n);
        return n == 1;
    }

    std::filesystem::path path_;
    soci::session session_;
};

TEST_F(MigrationsTest, AppliesEverythingOnceAndRecordsIt) {
    auto first = migrate(session_, schema_migrations());
    EXPECT_EQ(first.from_version, 0);
    EXPECT_EQ(first.to_version, schema_migrations().back().version);
    EXPECT_EQ(first.applied.size(), schema_migrations().size());
    for (auto table :
         {"users", "sessions", "memories", "changes", "jobs", "files", "schema_migrations"})
        EXPECT_TRUE(table_exists(table)) << table;
    auto again = migrate(session_, schema_migrations());
    EXPECT_TRUE(again.applied.empty());
    EXPECT_EQ(schema_version(session_), first.to_version);
}

TEST_F(MigrationsTest, AFailedMigrationLeavesNoTrace) {
    std::vector<Migration> list{
        {1, "good", {"CREATE TABLE a (x INTEGER)"}},
        {2, "bad", {"CREATE TABLE b (x INTEGER)", "THIS IS NOT SQL"}},
    };
    EXPECT_THROW(migrate(session_, list), std::exception);
    EXPECT_EQ(schema_version(session_), 1);
    EXPECT_TRUE(table_exists("a"));
    EXPECT_FALSE(table_exists("b"));  // rolled back with the failed statement
}

TEST_F(MigrationsTest, ANewerDatabaseIsRefused) {
    std::vector<Migration> newer{{1, "one", {"CREATE TABLE a (x INTEGER)"}},
                                 {2, "two", {"CREATE TABLE b (x INTEGER)"}}};
    migrate(session_, newer);
    std::vector<Migration> older{newer.front()};
    try {
        migrate(session_, older);
        FAIL() << "an older binary migrated a newer database";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("newer than this mindme knows"), std::string::npos);
    }
}

TEST_F(MigrationsTest, TheSchemaEnforcesUniqueEmailsAndOwnership) {
    migrate(session_, schema_migrations());
    session_ << "INSERT INTO users (id, email, email_key, password_hash, created_at) "
                "VALUES ('u1', 'A@x.io', 'a@x.io', 'h', 1)";
    EXPECT_THROW(session_ << "INSERT INTO users (id, email, email_key, password_hash, created_at) "
                             "VALUES ('u2', 'a@X.io', 'a@x.io', 'h', 1)",
                 soci::soci_error);
    EXPECT_THROW(session_ << "INSERT INTO memories (id, user_id, title, body, tags, created_at, "
                             "updated_at, version) VALUES ('m1', 'nobody', '', '', '[]', 1, 1, 1)",
                 soci::soci_error);
}

}  // namespace
}  // namespace mindme::store
