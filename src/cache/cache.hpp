#pragma once
// A shared cache of versioned values in front of the store. A value is stored with
// the version of the thing it copies (a memory's version, a session's state), and a
// put never replaces a newer or equal version: a reader that loaded an old row and
// writes it back after a writer has put the new one changes nothing. Invalidation is
// therefore a put of a newer version — a tombstone (empty value) for a deletion.
//
// Backends: in-process LRU + TTL (memory://) and Redis (redis://host:port,
// redis_cache.hpp), with one conformance suite (cache_conformance_test.cpp).
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/config_fwd.hpp"
#include "metrics/fwd.hpp"

namespace mindme::cache {

struct Entry {
    std::string value;  // empty: a tombstone (the thing is known to be gone)
    std::int64_t version = 0;
};

class Cache {
public:
    struct Stats {
        std::uint64_t hits = 0;
        std::uint64_t misses = 0;
        std::uint64_t evictions = 0;  // dropped for room before their TTL
        std::uint64_t entries = 0;
        std::uint64_t bytes = 0;
        std::uint64_t failures = 0;  // commands a remote cache failed (served as misses)
    };

    virtual ~Cache() = default;

    // The entry under `key`, if present and not expired. Counts a hit or a miss.
    boost::asio::awaitable<std::optional<Entry>> get(std::string key);
    // Stores the entry for `ttl` unless the key holds a version >= entry.version;
    // true when stored.
    virtual boost::asio::awaitable<bool> put(std::string key, Entry entry,
                                             std::chrono::seconds ttl) = 0;
    virtual boost::asio::awaitable<void> erase(std::string key) = 0;

    Stats stats() const;
    virtual const char* backend() const = 0;

protected:
    virtual boost::asio::awaitable<std::optional<Entry>> lookup(std::string key) = 0;
    // Backends fill in what only they know.
    virtual void add_backend_stats(Stats& stats) const = 0;

private:
    std::atomic<std::uint64_t> hits_{0};
    std::atomic<std::uint64_t> misses_{0};
};

struct MemoryCacheOptions {
    std::size_t max_bytes = 64u << 20;
    // The time source, replaceable so that tests move time instead of waiting.
    std::chrono::steady_clock::time_point (*now)() = &std::chrono::steady_clock::now;
};

std::unique_ptr<Cache> make_memory_cache(const MemoryCacheOptions& options);

void declare_config(core::ConfigSchema& schema);
// The cache that `cache.url` names.
std::unique_ptr<Cache> open_cache(const core::Config& config);
// How long entries live (cache.ttl_seconds).
std::chrono::seconds cache_ttl(const core::Config& config);
// cache_hits_total, cache_misses_total, cache_evictions_total, cache_entries, cache_bytes.
void export_metrics(const Cache& cache, metrics::Registry& registry);

}  // namespace mindme::cache
