#include "store/session_pool.hpp"

#include <soci/soci.h>

namespace mindme::store {

struct SessionPool::Lease::Entry {
    soci::session session;
    Clock::time_point opened_at = Clock::now();
    Clock::time_point last_used = Clock::now();
};

SessionPool::SessionPool(Opener opener, SessionPoolOptions options)
    : opener_(std::move(opener)), options_(options) {
    if (options_.max < 1) options_.max = 1;
    if (options_.keep > options_.max) options_.keep = options_.max;
}

SessionPool::~SessionPool() = default;

SessionPool::Lease::Lease(SessionPool& pool, std::unique_ptr<Entry> entry)
    : pool_(&pool), entry_(std::move(entry)) {}

SessionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), entry_(std::move(other.entry_)), broken_(other.broken_) {}

SessionPool::Lease::~Lease() {
    if (entry_) pool_->give_back(std::move(entry_), broken_);
}

soci::session& SessionPool::Lease::session() { return entry_->session; }

SessionPool::Lease SessionPool::acquire() {
    std::unique_ptr<Lease::Entry> entry;
    {
        std::unique_lock lock(mutex_);
        available_.wait(lock, [&] { return !idle_.empty() || open_ < options_.max; });
        if (!idle_.empty()) {
            entry = std::move(idle_.back());
            idle_.pop_back();
        } else {
            ++open_;  // reserved: opened below, outside the lock
        }
    }
    if (entry && !healthy(*entry)) {
        entry.reset();
        std::lock_guard lock(mutex_);
        ++counters_.discarded;  // its slot in open_ passes to the replacement
    }
    if (!entry) {
        try {
            entry = open_entry();
        } catch (...) {
            std::lock_guard lock(mutex_);
            --open_;
            available_.notify_one();
            throw;
        }
    }
    entry->last_used = Clock::now();
    return Lease(*this, std::move(entry));
}

std::unique_ptr<SessionPool::Lease::Entry> SessionPool::open_entry() {
    auto entry = std::make_unique<Lease::Entry>();
    opener_(entry->session);
    std::lock_guard lock(mutex_);
    ++counters_.opened;
    return entry;
}

// Outside the lock: a ping is a round trip.
bool SessionPool::healthy(Lease::Entry& entry) {
    auto now = Clock::now();
    if (options_.recycle.count() > 0 && now - entry.opened_at >= options_.recycle) return false;
    if (!entry.session.is_connected()) return false;
    if (!options_.pre_ping || now - entry.last_used < options_.ping_after_idle) return true;
    try {
        int one = 0;
        entry.session << "SELECT 1", soci::into(one);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void SessionPool::give_back(std::unique_ptr<Lease::Entry> entry, bool broken) {
    // Closed outside the lock (closing may be a round trip).
    std::vector<std::unique_ptr<Lease::Entry>> closing;
    {
        std::lock_guard lock(mutex_);
        if (broken) {
            // The server went away: the idle connections from before are as dead.
            invalid_before_ = Clock::now();
            for (auto& stale : idle_) closing.push_back(std::move(stale));
            idle_.clear();
        }
        bool unusable = broken || entry->opened_at < invalid_before_;
        counters_.discarded += closing.size() + (unusable ? 1 : 0);
        if (unusable || idle_.size() >= options_.keep) {
            closing.push_back(std::move(entry));  // broken, stale, or overflow
        } else {
            entry->last_used = Clock::now();
            idle_.push_back(std::move(entry));
        }
        open_ -= closing.size();
    }
    available_.notify_all();
}

SessionPool::Stats SessionPool::stats() const {
    std::lock_guard lock(mutex_);
    Stats s = counters_;
    s.open = open_;
    s.idle = idle_.size();
    return s;
}

}  // namespace mindme::store
