// The SQLite backend of SqlDatabase: WAL journal (readers never wait for the writer),
// busy_timeout (a writer waits for the lock instead of failing), foreign keys on.
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>

#include "store/sql_database.hpp"

namespace mindme::store {

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
    // No fsync inside the writer's lock: a commit is made durable after it (WalSync, when
    // store.sqlite.durability is full) or at the next checkpoint (normal).
    session << "PRAGMA synchronous=NORMAL";
    session << "PRAGMA foreign_keys=ON";
    session << "PRAGMA busy_timeout=" + std::to_string(busy_timeout_ms);
    // Reads of the database file through a memory map instead of a pread copy into each
    // connection's page cache: the connections of every process share the kernel's one
    // copy of the hot pages, and a page costs no system call. (Writes still go through
    // the WAL; the map only covers reading.)
    session << "PRAGMA mmap_size=" + std::to_string(kMmapBytes);
}

}  // namespace

std::optional<DatabaseBackend> sqlite_backend(const DatabaseOptions& options) {
    auto path = sqlite_path(options.url);
    if (!path) return std::nullopt;
    auto parent = std::filesystem::path(*path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    int busy = options.busy_timeout_ms;
    return DatabaseBackend{
        .name = "sqlite",
        .opener = [file = *path, busy](soci::session& s) { open_sqlite(s, file, busy); },
        .single_writer = true,
        // One file on local disk: more connections than the pool's add nothing.
        .overflow = false,
        .text_holds_nul = true,
        .replica_lag_query = {},  // one file: no replicas
        .column_type_text = "TEXT",
        .lock_writer_first = false,
        .durable_file = options.durable ? *path : std::string(),
        .changes = [](soci::session& s) -> std::uint64_t {
            auto* backend = static_cast<soci::sqlite3_session_backend*>(s.get_backend());
            return static_cast<std::uint64_t>(sqlite_api::sqlite3_total_changes64(backend->conn_));
        },
    };
}

}  // namespace mindme::store
