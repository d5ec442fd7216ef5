#include "store/replica_set.hpp"

#include <soci/soci.h>

#include "store/sql_database.hpp"

namespace mindme::store {
namespace {

constexpr std::chrono::milliseconds kCheckInterval{1000};

}  // namespace

ReplicaSet::ReplicaSet(std::vector<std::unique_ptr<SqlDatabase>> replicas, std::string lag_query,
                       std::chrono::milliseconds max_lag)
    : lag_query_(std::move(lag_query)),
      max_lag_(max_lag),
      // A replica's lag is known as of the last check, up to one interval old.
      ryw_window_(max_lag + kCheckInterval) {
    for (auto& db : replicas) {
        auto r = std::make_unique<Replica>();
        r->db = std::move(db);
        replicas_.push_back(std::move(r));
    }
    monitor_ = std::thread([this] { monitor(); });
}

ReplicaSet::~ReplicaSet() {
    {
        std::lock_guard lock(monitor_mutex_);
        stopping_ = true;
    }
    monitor_cv_.notify_all();
    monitor_.join();
}

void ReplicaSet::monitor() {
    std::unique_lock lock(monitor_mutex_);
    while (!stopping_) {
        lock.unlock();
        for (auto& r : replicas_) check(*r);
        lock.lock();
        ++rounds_;
        monitor_cv_.notify_all();
        monitor_cv_.wait_for(lock, kCheckInterval, [this] { return stopping_; });
    }
}

void ReplicaSet::check(Replica& r) {
    try {
        double lag = r.db->run_now([this](soci::session& s) {
            double seconds = 0;
            s << lag_query_, soci::into(seconds);
            return seconds;
        });
        r.lag_seconds = lag;
        r.up = lag * 1000.0 <= static_cast<double>(max_lag_.count());
    } catch (const std::exception&) {
        r.up = false;
    }
}

bool ReplicaSet::wait_checked(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(monitor_mutex_);
    auto target = rounds_ + 1;
    return monitor_cv_.wait_for(lock, timeout, [&] { return rounds_ >= target; });
}

bool ReplicaSet::recently_wrote(const std::string& user_id, Clock::time_point now) {
    std::lock_guard lock(writers_mutex_);
    auto it = writers_.find(user_id);
    return it != writers_.end() && now - it->second < ryw_window_;
}

void ReplicaSet::wrote(const std::string& user_id) {
    auto now = Clock::now();
    std::lock_guard lock(writers_mutex_);
    writers_[user_id] = now;
    // Forget writers past the window, at most once per window: the map holds only
    // the users who wrote lately.
    if (now - writers_pruned_ >= ryw_window_) {
        std::erase_if(writers_, [&](const auto& w) { return now - w.second >= ryw_window_; });
        writers_pruned_ = now;
    }
}

SqlDatabase* ReplicaSet::pick(const std::string& user_id) {
    if (!recently_wrote(user_id, Clock::now())) {
        auto n = replicas_.size();
        auto start = next_.fetch_add(1);
        for (std::size_t i = 0; i < n; ++i) {
            auto& r = *replicas_[(start + i) % n];
            if (r.up) {
                ++r.reads;
                return r.db.get();
            }
        }
    }
    ++primary_reads_;
    return nullptr;
}

void ReplicaSet::failed(SqlDatabase* replica) {
    for (auto& r : replicas_)
        if (r->db.get() == replica) r->up = false;
}

std::vector<ReplicaSet::Status> ReplicaSet::status() const {
    std::vector<Status> out;
    for (const auto& r : replicas_)
        out.push_back({r->up.load(), r->lag_seconds.load(), r->reads.load()});
    return out;
}

}  // namespace mindme::store
