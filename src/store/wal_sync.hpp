#pragma once
// Group commit for SQLite's write-ahead log: a write is acknowledged only once the WAL
// frames its commit appended are on disk, and every writer that committed while a sync
// was running shares the next one. SQLite itself runs with synchronous=NORMAL (no fsync
// at commit, inside the writer's lock); the fsync happens on a thread of its own here,
// so neither the writer's lock nor a store pool thread is held while the disk works:
// the next writers commit meanwhile, and all of them share the next sync.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mindme::store {

class WalSync {
public:
    // `database_path`: the SQLite file; its log is database_path + "-wal".
    explicit WalSync(std::string database_path);
    ~WalSync();  // after the syncs already asked for
    WalSync(const WalSync&) = delete;
    WalSync& operator=(const WalSync&) = delete;

    // Called right after a commit, on the thread that made it: the ticket that a sync
    // starting from now covers.
    std::uint64_t request();

    // Until the sync that covers `ticket` is done, resuming on the caller's executor;
    // throws std::runtime_error when that sync failed (the write is then not known to be
    // durable).
    boost::asio::awaitable<void> synced(std::uint64_t ticket) {
        // use_awaitable rethrows a non-null exception_ptr: a failed sync throws here.
        co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                             void(std::exception_ptr)>(
            [this, ticket](auto handler) {
                auto executor = boost::asio::get_associated_executor(handler);
                auto shared = std::make_shared<decltype(handler)>(std::move(handler));
                when_synced(ticket, [executor, shared](std::exception_ptr e) {
                    boost::asio::post(executor, [shared, e]() { (*shared)(e); });
                });
            },
            boost::asio::use_awaitable);
    }
    // The same, blocking the calling thread (commands without an event loop).
    void wait(std::uint64_t ticket);

    struct Stats {
        std::uint64_t syncs = 0;     // fsyncs of the log
        std::uint64_t requests = 0;  // commits that waited for one
    };
    Stats stats() const;

    // Tests: runs before each fsync, on the syncing thread.
    void set_before_sync(std::function<void()> hook);

private:
    using Done = std::function<void(std::exception_ptr)>;
    struct Waiter {
        std::uint64_t ticket;
        Done done;
    };
    // Calls `done` (on the syncing thread, or at once) when `ticket` is synced.
    void when_synced(std::uint64_t ticket, Done done);
    void run();
    void sync_log(bool directory);

    std::string database_path_;
    std::string log_path_;
    mutable std::mutex mutex_;
    std::condition_variable requested_cv_;  // wakes the syncing thread
    std::condition_variable synced_cv_;     // wakes blocking waiters
    std::uint64_t requested_ = 0;           // tickets handed out
    std::uint64_t synced_ = 0;              // every ticket up to this is settled
    std::exception_ptr last_failure_;       // of the sync that settled up to failed_up_to_
    std::uint64_t failed_up_to_ = 0;
    std::vector<Waiter> waiters_;
    bool stopping_ = false;
    bool directory_synced_ = false;  // the log's directory entry, once
    std::uint64_t syncs_ = 0;
    std::function<void()> before_sync_;
    std::thread thread_;
};

}  // namespace mindme::store
