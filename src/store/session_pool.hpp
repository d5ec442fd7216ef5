#pragma once
// The database connections of one SqlDatabase, with the seed's pool semantics
// (SQLAlchemy's QueuePool): `keep` connections stay open, up to `max` are open at
// once (the rest, opened under load, are closed when given back), a connection idle
// for a while is pinged before use (pre_ping) and one older than `recycle` is
// replaced, and one that broke is discarded so the next checkout opens a fresh one —
// together with every other connection opened before it broke (a restarted server has
// dropped them all: one failure, not one per pooled connection).
// Connections are opened on first use, so a process starts while its database is
// down and serves once it is back. Private to src/store.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace soci {
class session;
}

namespace mindme::store {

struct SessionPoolOptions {
    std::size_t keep = 20;                            // store.pool.size
    std::size_t max = 50;                             // size + max_overflow
    bool pre_ping = true;                             // store.pool.pre_ping
    std::chrono::seconds recycle{300};                // store.pool.recycle_seconds; 0: never
    std::chrono::milliseconds ping_after_idle{1000};  // a connection used this recently is trusted
};

class SessionPool {
public:
    using Clock = std::chrono::steady_clock;
    using Opener = std::function<void(soci::session&)>;

    struct Stats {
        std::size_t open = 0;         // connections open now
        std::size_t idle = 0;         // of which idle
        std::uint64_t opened = 0;     // connections ever opened
        std::uint64_t discarded = 0;  // closed because they broke, failed a ping or aged out
    };

    SessionPool(Opener opener, SessionPoolOptions options);
    ~SessionPool();

    // A connection for the calling thread until the Lease ends. Blocks while `max` are
    // checked out (SqlDatabase never lets that happen: it runs at most `max` jobs).
    // Throws what opening a connection throws.
    class Lease {
    public:
        Lease(Lease&&) noexcept;
        ~Lease();
        soci::session& session();
        // The connection is unusable (the server went away): close it on return.
        void discard() { broken_ = true; }

    private:
        friend class SessionPool;
        struct Entry;
        Lease(SessionPool& pool, std::unique_ptr<Entry> entry);
        SessionPool* pool_;
        std::unique_ptr<Entry> entry_;
        bool broken_ = false;
    };

    Lease acquire();
    Stats stats() const;

private:
    void give_back(std::unique_ptr<Lease::Entry> entry, bool broken);
    std::unique_ptr<Lease::Entry> open_entry();
    bool healthy(Lease::Entry& entry);

    Opener opener_;
    SessionPoolOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Lease::Entry>> idle_;  // most recently used last
    std::size_t open_ = 0;
    Clock::time_point invalid_before_{};  // connections opened earlier are stale
    Stats counters_;
};

}  // namespace mindme::store
