// The SQLite backend of SqlDatabase: WAL journal (readers never wait for the writer),
// busy_timeout (a writer waits for the lock instead of failing), foreign keys on.
#include <soci/connection-pool.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <stdexcept>

#include "store/sql_database.hpp"

namespace mindme::store {

struct SqlDatabase::Connections {
    explicit Connections(std::size_t n) : pool(n) {}
    soci::connection_pool pool;
};

std::optional<std::string> sqlite_path(const std::string& url) {
    static constexpr std::string_view kScheme = "sqlite://";
    if (!url.starts_with(kScheme)) return std::nullopt;
    auto path = url.substr(kScheme.size());
    if (path.empty()) return std::nullopt;
    return path;
}

namespace {

constexpr long long kMmapBytes = 1LL << 30;

void open_sqlite(soci::session& session, const std::string& path, int busy_timeout_ms) {
    // SOCI's connection string: values with spaces are quoted.
    session.open(soci::sqlite3,
                 "db=\"" + path + "\" timeout=" + std::to_string((busy_timeout_ms + 999) / 1000));
    session << "PRAGMA journal_mode=WAL";
    session << "PRAGMA synchronous=NORMAL";  // durable at every checkpoint; WAL keeps it safe
    session << "PRAGMA foreign_keys=ON";
    session << "PRAGMA busy_timeout=" + std::to_string(busy_timeout_ms);
    // Reads of the database file through a memory map instead of a pread copy into each
    // connection's page cache: the connections of every process share the kernel's one
    // copy of the hot pages, and a page costs no system call. (Writes still go through
    // the WAL; the map only covers reading.)
    session << "PRAGMA mmap_size=" + std::to_string(kMmapBytes);
}

}  // namespace

std::unique_ptr<SqlDatabase> SqlDatabase::open(const DatabaseOptions& options) {
    auto path = sqlite_path(options.url);
    if (!path)
        throw std::runtime_error("unsupported store.url '" + options.url +
                                 "': this build knows sqlite:///path");
    auto parent = std::filesystem::path(*path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    auto n = std::max<std::size_t>(1, options.connections);
    auto connections = std::make_unique<Connections>(n);
    try {
        for (std::size_t i = 0; i < n; ++i)
            open_sqlite(connections->pool.at(i), *path, options.busy_timeout_ms);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot open " + options.url + ": " + e.what());
    }
    return std::unique_ptr<SqlDatabase>(new SqlDatabase("sqlite", std::move(connections), options));
}

SqlDatabase::SqlDatabase(std::string backend, std::unique_ptr<Connections> connections,
                         const DatabaseOptions& options)
    : backend_(std::move(backend)),
      connections_(std::move(connections)),
      // One thread per connection: a pool thread always finds a free connection.
      pool_("store", std::max<std::size_t>(1, options.connections), options.max_waiting) {}

SqlDatabase::~SqlDatabase() = default;

SqlDatabase::Lease::Lease(SqlDatabase& db) : db_(db), position_(db.connections_->pool.lease()) {}

SqlDatabase::Lease::~Lease() { db_.connections_->pool.give_back(position_); }

soci::session& SqlDatabase::Lease::session() { return db_.connections_->pool.at(position_); }

}  // namespace mindme::store
