#pragma once
// The SQL backends the store conformance suites run on: each opens a fresh, empty
// database. PostgreSQL and MariaDB join the list when their servers are started by
// the test fixtures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
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

// A deadline no test reaches.
inline Deadline later() { return std::chrono::steady_clock::now() + std::chrono::seconds(30); }

inline std::string backend_name(const ::testing::TestParamInfo<Backend (*)()>& info) {
    return info.param().name;
}

}  // namespace mindme::store::test_backends
