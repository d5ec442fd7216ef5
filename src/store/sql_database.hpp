#pragma once
// A SQL database reached through SOCI: a pool of connections (store/session_pool.hpp,
// the seed's size/overflow/pre-ping/recycle), each used by one thread of a bounded
// blocking pool, so that event-loop coroutines await queries and never block. The
// backend is chosen by URL: sqlite:///path or postgresql://... SOCI stays out of this
// header.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/blocking_pool.hpp"
#include "store/session_pool.hpp"
#include "store/wal_sync.hpp"

namespace mindme::store {

class ReplicaSet;

struct DatabaseOptions {
    std::string url;                    // sqlite:///var/lib/mindme/mindme.db, postgresql://...
    std::size_t connections = 20;       // kept open: the seed's pool_size
    std::size_t max_overflow = 30;      // more opened under load and closed after (server DBs)
    bool pre_ping = true;               // a connection idle for a second is tested before use
    std::chrono::seconds recycle{300};  // and replaced once this old (0: never)
    std::chrono::milliseconds checkout_timeout{30000};  // waiting longer for one: 503
    std::size_t max_waiting = 1000;  // queries queued beyond that get 503 at once
    int busy_timeout_ms = 5000;      // SQLite: how long a writer waits for the lock
    // SQLite: a write returns only once its commit is on disk (group commit, WalSync);
    // false: at the next checkpoint (a crash of the machine may lose the last writes).
    bool durable = true;
    std::vector<std::string> replicas;                // read replicas' URLs (same backend)
    std::chrono::milliseconds max_replica_lag{5000};  // a replica further behind is skipped
};

// How one kind of database is reached: its name, how a connection is opened and set
// up, and what it allows. One implementation file per backend.
struct DatabaseBackend {
    std::string name;  // "sqlite", "postgresql"
    SessionPool::Opener opener;
    bool single_writer = false;             // SQLite: writers take turns in-process
    bool overflow = true;                   // false: one file, nothing gained by more connections
    bool text_holds_nul = true;             // false: text columns cannot store U+0000
    std::string replica_lag_query;          // on a replica: seconds behind; empty: no replicas
    std::string column_type_text = "TEXT";  // what the schema's TEXT columns become
    // InnoDB: a child row's foreign key check share-locks the users row that the same
    // transaction then updates (change_seq); two such writers deadlock upgrading their
    // shared locks. Taking the row exclusively first makes them queue instead.
    bool lock_writer_first = false;
    // SQLite with durable writes: the database file whose log is synced after a job that
    // changed rows; empty: nothing is waited for (the server syncs by itself).
    std::string durable_file;
    // Rows changed on this connection since it opened (what tells a write from a read).
    std::function<std::uint64_t(soci::session&)> changes;
};
std::optional<DatabaseBackend> sqlite_backend(const DatabaseOptions& options);
std::optional<DatabaseBackend> postgres_backend(const DatabaseOptions& options);
std::optional<DatabaseBackend> mysql_backend(const DatabaseOptions& options);

class SqlDatabase {
public:
    // Opens the database and its replicas; one connection to the primary at once
    // (throws std::runtime_error naming the URL on failure), the rest on demand.
    static std::unique_ptr<SqlDatabase> open(const DatabaseOptions& options);
    ~SqlDatabase();

    // Runs f(session) on a pool thread with a connection of its own. Like
    // BlockingPool::run, f captures by reference. A job still waiting for a connection
    // at `deadline` or after checkout_timeout, or one whose connection is lost, fails
    // with 503 `unavailable`.
    template <class F>
    boost::asio::awaitable<std::invoke_result_t<F, soci::session&>> run(
        F f, std::optional<core::BlockingPool::Clock::time_point> deadline = std::nullopt) {
        static_assert(std::is_trivially_copyable_v<F>,
                      "capture by reference in SqlDatabase::run jobs");
        auto limit = core::BlockingPool::Clock::now() + options_.checkout_timeout;
        if (!deadline || *deadline > limit) deadline = limit;
        // A write waits for its log sync here, off the pool thread (WalSync).
        std::uint64_t ticket = 0;
        if constexpr (std::is_void_v<std::invoke_result_t<F, soci::session&>>) {
            co_await pool_.run([this, &f, &ticket]() { with_session(f, ticket); }, deadline);
            if (ticket) co_await wal_sync_->synced(ticket);
        } else {
            auto result = co_await pool_.run(
                [this, &f, &ticket]() { return with_session(f, ticket); }, deadline);
            if (ticket) co_await wal_sync_->synced(ticket);
            co_return result;
        }
    }

    // A read of one user's data: on a read replica when store.replicas has one that is
    // up and close enough behind, unless this user wrote through this process lately
    // (read-your-writes); otherwise, or if the read fails there, on this database.
    template <class F>
    boost::asio::awaitable<std::invoke_result_t<F, soci::session&>> read(
        const std::string& user_id, F f,
        std::optional<core::BlockingPool::Clock::time_point> deadline = std::nullopt) {
        if (SqlDatabase* replica = pick_replica(user_id)) {
            // A read is safe to repeat: whatever the replica answered (gone, shutting
            // down, a query cancelled by replay), the primary gets it again.
            try {
                co_return co_await replica->run(f, deadline);
            } catch (const std::exception&) {
                replica_failed(replica);
            }
        }
        co_return co_await run(f, deadline);
    }
    // Called after a user's write commits: their reads stay here for a while.
    void wrote(const std::string& user_id);
    const ReplicaSet* replicas() const { return replicas_.get(); }

    // The same, blocking the calling thread: for commands such as `mindme migrate`
    // that have no event loop.
    template <class F>
    std::invoke_result_t<F, soci::session&> run_now(F f) {
        std::uint64_t ticket = 0;
        if constexpr (std::is_void_v<std::invoke_result_t<F, soci::session&>>) {
            with_session(f, ticket);
            if (ticket) wal_sync_->wait(ticket);
        } else {
            auto result = with_session(f, ticket);
            if (ticket) wal_sync_->wait(ticket);
            return result;
        }
    }

    // Round trip to the database (SELECT 1), for health checks.
    boost::asio::awaitable<void> ping(core::BlockingPool::Clock::time_point deadline);

    // A write transaction inside a run() job: BEGIN (for SQLite BEGIN IMMEDIATE, taken
    // in turn by this process's writers, so they queue on a mutex rather than sleep in
    // SQLite's busy handler), COMMIT by commit(), ROLLBACK if destroyed before. Writes
    // that allocate a per-user change sequence rely on it: commit order is sequence
    // order.
    class WriteTransaction {
    public:
        // `writer`: the user whose data this writes, whose reads then stay on the
        // primary for a while (read-your-writes with replicas).
        WriteTransaction(SqlDatabase& db, soci::session& session, std::string writer = {});
        ~WriteTransaction();
        WriteTransaction(const WriteTransaction&) = delete;
        WriteTransaction& operator=(const WriteTransaction&) = delete;
        void commit();

    private:
        SqlDatabase& db_;
        soci::session& session_;
        std::string writer_user_;
        std::unique_lock<std::mutex> writer_;
        bool open_ = true;
    };

    const std::string& backend() const { return backend_; }
    bool text_holds_nul() const { return text_holds_nul_; }
    // A schema statement in this backend's words (the migrations are written once).
    std::string adapt_schema(const std::string& statement) const;
    // Appended to a SELECT that claims rows for this transaction, so that concurrent
    // claimers take different rows instead of the same ones (FOR UPDATE SKIP LOCKED);
    // empty where writers take turns anyway (SQLite).
    const char* claim_rows_clause() const {
        return single_writer_ ? "" : " FOR UPDATE SKIP LOCKED";
    }
    core::BlockingPool::Stats pool_stats() const { return pool_.stats(); }

    SessionPool::Stats connection_stats() const { return sessions_.stats(); }
    // SQLite's group commit, when writes are durable; null otherwise.
    WalSync* wal_sync() { return wal_sync_.get(); }
    const WalSync* wal_sync() const { return wal_sync_.get(); }

private:
    SqlDatabase(const DatabaseBackend& backend, const DatabaseOptions& options);
    static std::unique_ptr<SqlDatabase> connect(const DatabaseOptions& options, bool eager);
    SqlDatabase* pick_replica(const std::string& user_id);
    void replica_failed(SqlDatabase* replica);

    // Runs f with a connection; `sync_ticket` is set when f changed rows and writes are
    // durable: the caller waits for that ticket's log sync before answering.
    template <class F>
    std::invoke_result_t<F, soci::session&> with_session(F& f, std::uint64_t& sync_ticket) {
        auto lease = checkout();
        auto before = changes_so_far(lease);
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<F, soci::session&>>) {
                f(lease.session());
                sync_ticket = sync_ticket_after(lease, before);
            } else {
                auto result = f(lease.session());
                sync_ticket = sync_ticket_after(lease, before);
                return result;
            }
        } catch (...) {
            failed(lease);  // throws 503 instead when the connection was lost
            throw;
        }
    }
    // With durable writes: the connection's count of changed rows, and after the job a
    // sync ticket if it changed any (0: nothing to wait for).
    std::uint64_t changes_so_far(SessionPool::Lease& lease);
    std::uint64_t sync_ticket_after(SessionPool::Lease& lease, std::uint64_t before);
    SessionPool::Lease checkout();
    void failed(SessionPool::Lease& lease);

    std::string backend_;
    bool single_writer_;
    bool text_holds_nul_;
    std::string column_type_text_;
    bool lock_writer_first_;
    DatabaseOptions options_;
    SessionPool sessions_;
    std::mutex writer_;  // held by a WriteTransaction on single-writer backends (SQLite)
    core::BlockingPool pool_;
    std::unique_ptr<ReplicaSet> replicas_;  // after pool_: its monitor uses the replicas only
    std::function<std::uint64_t(soci::session&)> changes_;
    std::unique_ptr<WalSync> wal_sync_;
};

// "sqlite:///abs/path" or "sqlite://relative/path" → the file path; nullopt otherwise.
std::optional<std::string> sqlite_path(const std::string& url);
// postgresql:// or postgres:// (a libpq connection URI).
bool is_postgres_url(const std::string& url);
// The URI as libpq keyword='value' pairs; throws std::invalid_argument with libpq's
// words when it is not a valid URI.
std::string postgres_conninfo(const std::string& url);
// mysql://user:password@host:port/database?option=value
bool is_mysql_url(const std::string& url);
// The URL as SOCI's MySQL connection string; throws std::invalid_argument.
std::string mysql_connect_string(const std::string& url);

}  // namespace mindme::store
