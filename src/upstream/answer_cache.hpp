#pragma once
// Answers of an upstream kept by a key for a time (the assistant keys text answers by
// model, normalised prompt and the versions of the memories given, so an edited memory
// never meets a stale answer), and identical requests in flight at once sharing one
// upstream call (coalescing: the seed's "batching"), across event loops. Bounded: the
// least recently used answer goes first. Metrics by upstream: gateway_cache_hits_total,
// gateway_cache_misses_total, gateway_cache_coalesced_total.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "metrics/fwd.hpp"

namespace mindme::metrics {
class Counter;
}

namespace mindme::upstream {

class AnswerCache {
public:
    struct Answer {
        std::string text;
        bool cached = false;  // from the cache or another caller's call, not a call of its own
    };
    // What a call gave, and whether it may be kept (an answer that wrote something, such
    // as a memory the model created, must not be replayed from the cache).
    struct Produced {
        std::string text;
        bool keep = true;
    };
    using Produce = std::function<boost::asio::awaitable<Produced>()>;

    // ttl 0: nothing is kept (identical requests in flight are still coalesced).
    AnswerCache(std::size_t max_entries, std::chrono::seconds ttl, metrics::Registry& registry,
                const std::string& upstream);
    ~AnswerCache();

    // The answer for `key`: kept, or the one a call in flight for it gives, or produce()'s
    // (kept when it succeeds; an exception reaches every caller waiting for it).
    boost::asio::awaitable<Answer> get(std::string key, Produce produce);
    std::size_t size() const;

private:
    struct Flight;
    struct Entry {
        std::string text;
        std::chrono::steady_clock::time_point expires;
        std::list<std::string>::iterator recency;
    };
    void remember(const std::string& key, const std::string& text);

    std::size_t max_entries_;
    std::chrono::seconds ttl_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::list<std::string> recency_;  // most recent first
    std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
    metrics::Counter& hits_;
    metrics::Counter& misses_;
    metrics::Counter& coalesced_;
};

}  // namespace mindme::upstream
