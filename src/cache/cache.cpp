#include "cache/cache.hpp"

namespace mindme::cache {

boost::asio::awaitable<std::optional<Entry>> Cache::get(std::string key) {
    auto entry = co_await lookup(std::move(key));
    (entry ? hits_ : misses_).fetch_add(1, std::memory_order_relaxed);
    co_return entry;
}

Cache::Stats Cache::stats() const {
    Stats s;
    s.hits = hits_.load(std::memory_order_relaxed);
    s.misses = misses_.load(std::memory_order_relaxed);
    add_backend_stats(s);
    return s;
}

}  // namespace mindme::cache
