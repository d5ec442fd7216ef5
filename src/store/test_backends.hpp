#pragma once
// The SQL backends the store conformance suites run on: each opens a fresh, empty
// database. PostgreSQL runs on the private server that CTest's `postgres` fixture
// starts (scripts/services/postgres.sh); a test run without it fails, it is not skipped.
#include <gtest/gtest.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>

#include "core/test_services.hpp"
#include "store/accounts.hpp"
#include "store/migrations.hpp"
#include "store/sql_database.hpp"

namespace mindme::store::test_backends {

struct Backend {
    std::string name;
    std::function<std::unique_ptr<SqlDatabase>()> open;  // fresh and migrated
    std::function<void()> cleanup;
};

inline Backend sqlite_backend() {
    static std::atomic<int> serial{0};
    auto dir = std::filesystem::temp_directory_path() /
               ("mindme-store-" + std::to_string(::getpid()) + "-" + std::to_string(++serial));
    return {"sqlite",
            [dir] {
                std::filesystem::remove_all(dir);
                DatabaseOptions o;
                o.url = "sqlite://" + (dir / "test.db").string();
                o.connections = 4;
                auto db = SqlDatabase::open(o);
                migrate(*db);
                return db;
            },
            [dir] { std::filesystem::remove_all(dir); }};
}

// The URL of a server that CTest's fixture started ("postgres", "postgres_replica", ...).
inline std::string service_url(const std::string& name) { return core::test_service_url(name); }

inline std::string postgres_test_url() { return service_url("postgres"); }

using RunSql = std::function<void(const std::string&)>;

// A backend on something fresh in a fixture's server: `drop` then `create` run through
// `admin` before the instance opens url(), `drop` again after. The URL is looked up
// only then: listing the tests (CTest's discovery) must work without the servers.
inline Backend fresh_database(std::string name, std::function<std::string()> url,
                              std::string create, std::string drop, RunSql admin) {
    return {std::move(name),
            [=] {
                admin(drop);
                admin(create);
                DatabaseOptions o;
                o.url = url();
                o.connections = 4;
                o.max_overflow = 0;
                auto db = SqlDatabase::open(o);
                migrate(*db);
                return db;
            },
            [=] { admin(drop); }};
}

inline void on_postgres_primary(const std::string& sql) {
    soci::session s(soci::postgresql, postgres_conninfo(postgres_test_url()));
    s << sql;
}

// `url` with its database (the last path segment) replaced.
inline std::string with_database(const std::string& url, const std::string& database) {
    return url.substr(0, url.rfind('/') + 1) + database;
}

inline std::string fresh_name(const char* prefix) {
    static std::atomic<int> serial{0};
    return prefix + std::to_string(::getpid()) + "_" + std::to_string(++serial);
}

// A fresh schema per instance, chosen through libpq's `options` parameter.
inline Backend postgres_backend() {
    auto schema = fresh_name("t");
    return fresh_database(
        "postgresql",
        [schema] { return postgres_test_url() + "?options=-c%20search_path%3D" + schema; },
        "CREATE SCHEMA " + schema, "DROP SCHEMA IF EXISTS " + schema + " CASCADE",
        on_postgres_primary);
}

// Through PgBouncer in transaction pooling mode (the fixture's services/pgbouncer, in
// front of its primary): a fresh database per instance, since PgBouncer passes no
// per-connection `options` such as a search_path.
inline Backend pgbouncer_backend() {
    auto database = fresh_name("b");
    return fresh_database(
        "pgbouncer", [database] { return with_database(service_url("pgbouncer"), database); },
        "CREATE DATABASE " + database, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)",
        on_postgres_primary);
}

// MariaDB (the fixture's services/mariadb): a fresh database per instance, utf8mb4
// with a binary collation as mindme requires.
inline Backend mariadb_backend() {
    auto database = fresh_name("m");
    return fresh_database(
        "mariadb", [database] { return with_database(service_url("mariadb"), database); },
        "CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        "DROP DATABASE IF EXISTS " + database,
        [](const std::string& sql) {
            soci::session s(soci::mysql, mysql_connect_string(service_url("mariadb")));
            s << sql;
        });
}

// A deadline no test reaches.
inline Deadline later() { return std::chrono::steady_clock::now() + std::chrono::seconds(30); }

// The SQL backends of this test tier: SQLite in the unit tier, the servers in the service
// tier (core::tier_backends).
inline std::vector<Backend (*)()> tier_backends() {
    return core::tier_backends<Backend (*)()>(
        {&sqlite_backend}, {&postgres_backend, &pgbouncer_backend, &mariadb_backend});
}

inline std::string backend_name(const ::testing::TestParamInfo<Backend (*)()>& info) {
    return info.param().name;
}

}  // namespace mindme::store::test_backends
