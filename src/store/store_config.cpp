#include "store/store_config.hpp"

#include <filesystem>

#include "core/config.hpp"

namespace mindme::store {

void declare_config(core::ConfigSchema& schema) {
    schema.add_string("store.url", "",
                      "The SQL database: sqlite:///path. Empty: the embedded database "
                      "<data.dir>/mindme.db.",
                      [](const core::ConfigValue& v) -> std::optional<std::string> {
                          const auto& url = std::get<std::string>(v);
                          if (url.empty() || sqlite_path(url)) return std::nullopt;
                          return "expected sqlite:///path";
                      });
    schema.add_int("store.pool.size", 20, 1, 1000,
                   "Database connections per process, each with a thread of its own (the "
                   "seed's pool_size).");
    schema.add_int("store.pool.max_waiting", 1000, 0, 1'000'000,
                   "Queries that may wait for a connection; past it a request gets 503 at "
                   "once.");
    schema.add_int("store.busy_timeout_ms", 5000, 0, 600'000,
                   "SQLite: how long a write waits for another writer's lock.");
    schema.add_bool("store.migrate_on_start", true,
                    "Apply pending schema migrations when a process starts (otherwise run "
                    "`mindme migrate`).");
}

DatabaseOptions database_options(const core::Config& c, const std::string& data_dir) {
    DatabaseOptions o;
    o.url = c.get_string("store.url");
    if (o.url.empty())
        o.url = "sqlite://" + std::filesystem::absolute(data_dir + "/mindme.db").string();
    o.connections = static_cast<std::size_t>(c.get_int("store.pool.size"));
    o.max_waiting = static_cast<std::size_t>(c.get_int("store.pool.max_waiting"));
    o.busy_timeout_ms = static_cast<int>(c.get_int("store.busy_timeout_ms"));
    return o;
}

}  // namespace mindme::store
