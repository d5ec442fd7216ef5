#pragma once
// A SQL database reached through SOCI: a fixed set of connections, each used by one
// thread of a bounded blocking pool, so that event-loop coroutines await queries and
// never block. The backend is chosen by URL (sqlite:///path now; postgresql:// and
// mysql:// are later backends of the same class). SOCI stays out of this header.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "core/blocking_pool.hpp"

namespace soci {
class session;
}

namespace mindme::store {

struct DatabaseOptions {
    std::string url;                 // sqlite:///var/lib/mindme/mindme.db
    std::size_t connections = 20;    // the seed's pool_size
    std::size_t max_waiting = 1000;  // queries queued beyond that get 503 at once
    int busy_timeout_ms = 5000;      // SQLite: how long a writer waits for the lock
};

class SqlDatabase {
public:
    // Opens every connection (throws std::runtime_error naming the URL on failure).
    static std::unique_ptr<SqlDatabase> open(const DatabaseOptions& options);
    ~SqlDatabase();

    // Runs f(session) on a pool thread with a connection of its own. Like
    // BlockingPool::run, f captures by reference.
    template <class F>
    boost::asio::awaitable<std::invoke_result_t<F, soci::session&>> run(
        F f, std::optional<core::BlockingPool::Clock::time_point> deadline = std::nullopt) {
        static_assert(std::is_trivially_copyable_v<F>,
                      "capture by reference in SqlDatabase::run jobs");
        co_return co_await pool_.run(
            [this, &f]() {
                Lease lease(*this);
                return f(lease.session());
            },
            deadline);
    }

    // The same, blocking the calling thread: for commands such as `mindme migrate`
    // that have no event loop.
    template <class F>
    std::invoke_result_t<F, soci::session&> run_now(F f) {
        Lease lease(*this);
        return f(lease.session());
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
        WriteTransaction(SqlDatabase& db, soci::session& session);
        ~WriteTransaction();
        WriteTransaction(const WriteTransaction&) = delete;
        WriteTransaction& operator=(const WriteTransaction&) = delete;
        void commit();

    private:
        soci::session& session_;
        std::unique_lock<std::mutex> writer_;
        bool open_ = true;
    };

    const std::string& backend() const { return backend_; }
    core::BlockingPool::Stats pool_stats() const { return pool_.stats(); }

private:
    struct Connections;
    class Lease {
    public:
        explicit Lease(SqlDatabase& db);
        ~Lease();
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        soci::session& session();

    private:
        SqlDatabase& db_;
        std::size_t position_;
    };

    SqlDatabase(std::string backend, std::unique_ptr<Connections> connections,
                const DatabaseOptions& options);

    std::string backend_;
    std::unique_ptr<Connections> connections_;
    std::mutex writer_;  // held by a WriteTransaction on single-writer backends (SQLite)
    core::BlockingPool pool_;
};

// "sqlite:///abs/path" or "sqlite://relative/path" → the file path; nullopt otherwise.
std::optional<std::string> sqlite_path(const std::string& url);

}  // namespace mindme::store
