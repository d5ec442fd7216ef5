#include "store/store_config.hpp"

#include <filesystem>

#include "core/config.hpp"

namespace mindme::store {

void declare_config(core::ConfigSchema& schema) {
    schema.add_int("quota.user_bytes", 5ll * 1024 * 1024 * 1024, 0, 1ll << 50,
                   "Stored file bytes one user may have (5 GiB); an upload past it gets 507 "
                   "insufficient_storage. 0: no limit.");
    schema.add_int("quota.user_files", 100'000, 0, 1ll << 40,
                   "Files one user may have; past it 507 insufficient_storage. 0: no limit.");
    schema.add_int("quota.user_memories", 1'000'000, 0, 1ll << 40,
                   "Memories one user may have; past it 507 insufficient_storage. 0: no limit.");
    schema.add_int("quota.user_uploads_per_minute", 60, 0, 1'000'000,
                   "Uploads one user may start per minute; past it 429 with Retry-After. 0: no "
                   "limit.");
    schema.add_string("store.url", "",
                      "The SQL database: sqlite:///path; postgresql://user:password@host:port/"
                      "db (a libpq URI: every libpq parameter works); or mysql://user:password@"
                      "host:port/db (MySQL/MariaDB, utf8mb4 with a binary collation). Empty: "
                      "the embedded database <data.dir>/mindme.db.",
                      [](const core::ConfigValue& v) -> std::optional<std::string> {
                          const auto& url = std::get<std::string>(v);
                          if (url.empty() || sqlite_path(url)) return std::nullopt;
                          try {
                              if (is_postgres_url(url)) {
                                  postgres_conninfo(url);
                                  return std::nullopt;
                              }
                              if (is_mysql_url(url)) {
                                  mysql_connect_string(url);
                                  return std::nullopt;
                              }
                          } catch (const std::invalid_argument& e) {
                              return std::string(e.what());
                          }
                          return "expected sqlite:///path, postgresql://... or mysql://...";
                      });
    schema.add_int("store.pool.size", 20, 1, 1000,
                   "Database connections kept open per process (the seed's pool_size).");
    schema.add_int("store.pool.max_overflow", 30, 0, 1000,
                   "More connections a busy process may open beyond store.pool.size, closed "
                   "again when given back (the seed's max_overflow). SQLite: ignored.");
    schema.add_bool("store.pool.pre_ping", true,
                    "Test a connection idle for a second or more with SELECT 1 before use, "
                    "and replace it if the database went away (the seed's pool_pre_ping).");
    schema.add_int("store.pool.recycle_seconds", 300, 0, 86'400,
                   "Replace a connection once it is this old; 0: never (the seed's "
                   "pool_recycle).");
    schema.add_int("store.pool.timeout_ms", 30'000, 1, 600'000,
                   "A query that waits longer than this for a connection gets 503 (as does "
                   "one whose request deadline passes first).");
    schema.add_int("store.pool.max_waiting", 1000, 0, 1'000'000,
                   "Queries that may wait for a connection; past it a request gets 503 at "
                   "once.");
    schema.add_list("store.replicas", {},
                    "Read replicas of store.url (postgresql:// URLs): reads of a user's data "
                    "go to one that answers and lags at most store.max_replica_lag_seconds, "
                    "except right after that user wrote through this process.",
                    [](const core::ConfigValue& v) -> std::optional<std::string> {
                        for (const auto& url : std::get<core::StringList>(v)) {
                            if (!is_postgres_url(url))
                                return "each replica must be a postgresql:// URL";
                            try {
                                postgres_conninfo(url);
                            } catch (const std::invalid_argument& e) {
                                return std::string(e.what());
                            }
                        }
                        return std::nullopt;
                    });
    schema.add_double("store.max_replica_lag_seconds", 5, 0, 3600,
                      "A replica further behind than this (checked every second) gets no "
                      "reads until it catches up.");
    schema.add_int("store.busy_timeout_ms", 5000, 0, 600'000,
                   "SQLite: how long a write waits for another writer's lock.");
    schema.add_string(
        "store.sqlite.durability", "full",
        "SQLite: full — a write is answered once its commit is on disk (the log is synced; "
        "writers that commit meanwhile share one sync); normal — at the next checkpoint, "
        "faster per write, but a power loss or OS crash may lose writes already answered. "
        "Server databases sync by their own settings.",
        [](const core::ConfigValue& v) -> std::optional<std::string> {
            const auto& s = std::get<std::string>(v);
            if (s == "full" || s == "normal") return std::nullopt;
            return "must be full or normal";
        });
    schema.add_bool("store.migrate_on_start", true,
                    "Apply pending schema migrations when a process starts (otherwise run "
                    "`mindme migrate`).");
}

Quotas quotas(const core::Config& c) {
    return {c.get_int("quota.user_memories"), c.get_int("quota.user_files"),
            c.get_int("quota.user_bytes")};
}

DatabaseOptions database_options(const core::Config& c, const std::string& data_dir) {
    DatabaseOptions o;
    o.url = c.get_string("store.url");
    if (o.url.empty())
        o.url = "sqlite://" + std::filesystem::absolute(data_dir + "/mindme.db").string();
    o.connections = static_cast<std::size_t>(c.get_int("store.pool.size"));
    o.max_overflow = static_cast<std::size_t>(c.get_int("store.pool.max_overflow"));
    o.pre_ping = c.get_bool("store.pool.pre_ping");
    o.recycle = std::chrono::seconds(c.get_int("store.pool.recycle_seconds"));
    o.checkout_timeout = std::chrono::milliseconds(c.get_int("store.pool.timeout_ms"));
    o.max_waiting = static_cast<std::size_t>(c.get_int("store.pool.max_waiting"));
    o.replicas = c.get_list("store.replicas");
    o.max_replica_lag = std::chrono::milliseconds(
        static_cast<std::int64_t>(c.get_double("store.max_replica_lag_seconds") * 1000));
    o.busy_timeout_ms = static_cast<int>(c.get_int("store.busy_timeout_ms"));
    o.durable = c.get_string("store.sqlite.durability") == "full";
    return o;
}

}  // namespace mindme::store
