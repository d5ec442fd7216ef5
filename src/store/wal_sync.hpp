#pragma once
// Group commit for SQLite's write-ahead log: a write is acknowledged only once the WAL
// frames its commit appended are on disk, and every writer that committed while a sync
// was running shares the next one. SQLite itself runs with synchronous=NORMAL (no fsync
// at commit, inside the writer's lock); the fsync happens here, after the lock is
// released, so the next writers commit while it runs.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace mindme::store {

class WalSync {
public:
    // `database_path`: the SQLite file; its log is database_path + "-wal".
    explicit WalSync(std::string database_path);

    // Blocks the calling thread (a store pool thread, never an event loop) until every
    // commit this thread made before the call is on disk. Throws std::runtime_error when
    // the sync fails: the write is then not known to be durable.
    void wait();

    struct Stats {
        std::uint64_t syncs = 0;     // fsyncs of the log
        std::uint64_t requests = 0;  // commits that waited for one
    };
    Stats stats() const;

    // Tests: runs before each fsync, on the thread that performs it.
    void set_before_sync(std::function<void()> hook);

private:
    void sync_log();

    std::string database_path_;
    std::string log_path_;
    mutable std::mutex mutex_;
    std::condition_variable synced_cv_;
    std::uint64_t requested_ = 0;  // tickets handed out
    std::uint64_t synced_ = 0;     // every ticket up to this is on disk
    bool syncing_ = false;
    bool directory_synced_ = false;  // the log's directory entry, once
    std::uint64_t syncs_ = 0;
    std::function<void()> before_sync_;
};

}  // namespace mindme::store
