#pragma once
// The SQL backends the store conformance suites run on: each opens a fresh, empty
// database. PostgreSQL runs on the private server that CTest's `postgres` fixture
// starts (scripts/services/postgres.sh); a test run without it fails, it is not skipped.
#include <gtest/gtest.h>
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

// The URL of a server that CTest's fixture started: MINDME_TEST_SERVICES names the
// directory holding <name>/url ("postgres", "postgres_replica").
inline std::string service_url(const std::string& name) {
    const char* dir = std::getenv("MINDME_TEST_SERVICES");
    if (!dir || !*dir)
        throw std::runtime_error(
            "MINDME_TEST_SERVICES is not set: run through ctest, whose fixtures start the "
            "servers (scripts/services/)");
    std::ifstream in(std::string(dir) + "/" + name + "/url");
    std::string url;
    if (!std::getline(in, url) || url.empty())
        throw std::runtime_error("no " + name + " server in " + dir);
    return url;
}

inline std::string postgres_test_url() { return service_url("postgres"); }

// A fresh schema per backend instance, chosen through libpq's `options` parameter.
inline Backend postgres_backend() {
    static std::atomic<int> serial{0};
    auto schema = "t" + std::to_string(::getpid()) + "_" + std::to_string(++serial);
    auto run_sql = [](const std::string& sql) {
        soci::session s(soci::postgresql, postgres_conninfo(postgres_test_url()));
        s << sql;
    };
    return {"postgresql",
            [schema, run_sql] {
                run_sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                run_sql("CREATE SCHEMA " + schema);
                DatabaseOptions o;
                o.url = postgres_test_url() + "?options=-c%20search_path%3D" + schema;
                o.connections = 4;
                o.max_overflow = 0;
                auto db = SqlDatabase::open(o);
                migrate(*db);
                return db;
            },
            [schema, run_sql] { run_sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE"); }};
}

// A deadline no test reaches.
inline Deadline later() { return std::chrono::steady_clock::now() + std::chrono::seconds(30); }

inline std::string backend_name(const ::testing::TestParamInfo<Backend (*)()>& info) {
    return info.param().name;
}

}  // namespace mindme::store::test_backends
