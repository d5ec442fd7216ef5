#pragma once
// The read replicas of a SqlDatabase (store.replicas). A monitor thread measures each
// replica's lag every second; reads of a user's data go round-robin to the replicas
// that answer and lag at most max_lag behind, except for a user who wrote through this
// process within max_lag + 1 s (read-your-writes: such a replica may not have the write
// yet), and fall back to the primary when none qualifies or the chosen one fails.
// Private to src/store (SqlDatabase owns it).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mindme::store {

class SqlDatabase;

class ReplicaSet {
public:
    using Clock = std::chrono::steady_clock;

    struct Status {
        bool up = false;
        double lag_seconds = 0;
        std::uint64_t reads = 0;
    };

    // `lag_query` returns the replica's lag in seconds (one row, one number).
    ReplicaSet(std::vector<std::unique_ptr<SqlDatabase>> replicas, std::string lag_query,
               std::chrono::milliseconds max_lag);
    ~ReplicaSet();
    ReplicaSet(const ReplicaSet&) = delete;
    ReplicaSet& operator=(const ReplicaSet&) = delete;

    // The replica to read this user's data from, or nullptr: the primary.
    SqlDatabase* pick(const std::string& user_id);
    void wrote(const std::string& user_id);
    // A read on `replica` failed for want of it: no more reads until the monitor sees
    // it answer again.
    void failed(SqlDatabase* replica);
    // Blocks until every replica has been checked once (so tests and a fresh process
    // start from a known state); bounded by `timeout`.
    bool wait_checked(std::chrono::milliseconds timeout) const;

    std::vector<Status> status() const;
    std::uint64_t primary_reads() const { return primary_reads_.load(); }

private:
    struct Replica {
        std::unique_ptr<SqlDatabase> db;
        std::atomic<bool> up{false};
        std::atomic<double> lag_seconds{0};
        std::atomic<std::uint64_t> reads{0};
    };

    void monitor();
    void check(Replica& r);
    bool recently_wrote(const std::string& user_id, Clock::time_point now);

    std::vector<std::unique_ptr<Replica>> replicas_;
    std::string lag_query_;
    std::chrono::milliseconds max_lag_;
    std::chrono::milliseconds ryw_window_;
    std::atomic<std::uint64_t> next_{0};
    std::atomic<std::uint64_t> primary_reads_{0};

    std::mutex writers_mutex_;
    std::unordered_map<std::string, Clock::time_point> writers_;  // user → last write
    Clock::time_point writers_pruned_ = Clock::now();

    mutable std::mutex monitor_mutex_;
    mutable std::condition_variable monitor_cv_;
    bool stopping_ = false;
    std::uint64_t rounds_ = 0;  // completed monitor rounds
    std::thread monitor_;
};

}  // namespace mindme::store
