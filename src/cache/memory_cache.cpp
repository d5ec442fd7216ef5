// The in-process backend: LRU with a TTL per entry, within a byte budget. The key
// space is split over shards, each with its own lock, so that event-loop threads
// rarely meet; a lock is held only for a hash lookup and a list splice.
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "cache/cache.hpp"

namespace mindme::cache {
namespace {

using Clock = std::chrono::steady_clock;

// What an entry costs beyond its key and value: list node, hash node, bookkeeping.
constexpr std::size_t kEntryOverhead = 128;
constexpr std::size_t kShards = 16;

class Shard {
public:
    explicit Shard(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    std::optional<Entry> lookup(const std::string& key, Clock::time_point now) {
        std::lock_guard lock(mutex_);
        auto it = index_.find(key);
        if (it == index_.end()) return std::nullopt;
        auto node = it->second;
        if (node->expires <= now) {
            remove(it);
            return std::nullopt;
        }
        lru_.splice(lru_.begin(), lru_, node);
        return node->entry;
    }

    bool put(const std::string& key, Entry&& entry, Clock::time_point expires,
             Clock::time_point now) {
        auto size = key.size() + entry.value.size() + kEntryOverhead;
        if (size > max_bytes_) return false;
        std::lock_guard lock(mutex_);
        if (auto it = index_.find(key); it != index_.end()) {
            auto node = it->second;
            if (node->expires > now && node->entry.version >= entry.version) return false;
            remove(it);
        }
        lru_.push_front(Node{key, std::move(entry), expires, size});
        index_.emplace(key, lru_.begin());
        bytes_ += size;
        while (bytes_ > max_bytes_) {
            // Expired entries at the tail go first anyway; only live ones count as
            // evictions.
            if (lru_.back().expires > now) ++evictions_;
            remove(index_.find(lru_.back().key));
        }
        return true;
    }

    void erase(const std::string& key) {
        std::lock_guard lock(mutex_);
        if (auto it = index_.find(key); it != index_.end()) remove(it);
    }

    void add_stats(Cache::Stats& s) const {
        std::lock_guard lock(mutex_);
        s.evictions += evictions_;
        s.entries += index_.size();
        s.bytes += bytes_;
    }

private:
    struct Node {
        std::string key;
        Entry entry;
        Clock::time_point expires;
        std::size_t size;
    };
    using Index = std::unordered_map<std::string, std::list<Node>::iterator>;

    void remove(Index::iterator it) {
        bytes_ -= it->second->size;
        lru_.erase(it->second);
        index_.erase(it);
    }

    mutable std::mutex mutex_;
    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    std::uint64_t evictions_ = 0;
    std::list<Node> lru_;  // most recently used first
    Index index_;
};

class MemoryCache final : public Cache {
public:
    explicit MemoryCache(const MemoryCacheOptions& options) : now_(options.now) {
        shards_.reserve(kShards);
        for (std::size_t i = 0; i < kShards; ++i)
            shards_.push_back(std::make_unique<Shard>(options.max_bytes / kShards));
    }

    boost::asio::awaitable<bool> put(std::string key, Entry entry,
                                     std::chrono::seconds ttl) override {
        auto now = now_();
        co_return shard(key).put(key, std::move(entry), now + ttl, now);
    }

    boost::asio::awaitable<void> erase(std::string key) override {
        shard(key).erase(key);
        co_return;
    }

    const char* backend() const override { return "memory"; }

protected:
    boost::asio::awaitable<std::optional<Entry>> lookup(std::string key) override {
        co_return shard(key).lookup(key, now_());
    }

    void add_backend_stats(Stats& s) const override {
        for (const auto& shard : shards_) shard->add_stats(s);
    }

private:
    Shard& shard(const std::string& key) {
        return *shards_[std::hash<std::string>{}(key) % kShards];
    }

    Clock::time_point (*now_)();
    std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace

std::unique_ptr<Cache> make_memory_cache(const MemoryCacheOptions& options) {
    return std::make_unique<MemoryCache>(options);
}

}  // namespace mindme::cache
