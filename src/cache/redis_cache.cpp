// The Redis backend of Cache (cache.url = redis://host:port[,host:port...]): one hash
// per key, fields v (version) and d (value), written by a Lua script that compares
// versions on the server, so concurrent puts from any number of processes leave the
// newest. Commands run on a bounded blocking pool through a RedisClient (one server or
// a cluster, redis_client.hpp). Redis is an optimisation: when it fails, a lookup is a
// miss and a put stores nothing, and the failed node is left alone for a second.
#include "cache/redis_cache.hpp"

#include <hiredis/hiredis.h>

#include <stdexcept>

#include "cache/cache.hpp"
#include "cache/redis_client.hpp"
#include "core/blocking_pool.hpp"

namespace mindme::cache {
namespace {

// KEYS[1] key; ARGV version, value, ttl in ms. 1 when stored.
constexpr const char* kPutScript =
    "local v = redis.call('HGET', KEYS[1], 'v') "
    "if v and tonumber(v) >= tonumber(ARGV[1]) then return 0 end "
    "redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2]) "
    "redis.call('PEXPIRE', KEYS[1], ARGV[3]) "
    "return 1";

RedisClientOptions client_options(const RedisCacheOptions& o) {
    RedisClientOptions c;
    c.seeds = o.seeds;
    c.timeout = o.timeout;
    return c;
}

class RedisCache final : public Cache {
public:
    explicit RedisCache(RedisCacheOptions options)
        : options_(std::move(options)),
          client_(client_options(options_)),
          pool_("cache", std::max<std::size_t>(1, options_.connections), options_.max_waiting) {}

    boost::asio::awaitable<bool> put(std::string key, Entry entry,
                                     std::chrono::seconds ttl) override {
        co_return co_await run_or(
            [&]() {
                auto version = std::to_string(entry.version);
                auto ttl_ms = std::to_string(std::chrono::milliseconds(ttl).count());
                auto full = options_.prefix + key;
                auto reply = client_.command(
                    full, {"EVAL", kPutScript, "1", full, version, entry.value, ttl_ms});
                return reply && reply->type == REDIS_REPLY_INTEGER && reply->integer == 1;
            },
            false);
    }

    boost::asio::awaitable<void> erase(std::string key) override {
        co_await run_or(
            [&]() {
                auto full = options_.prefix + key;
                client_.command(full, {"DEL", full});
                return true;
            },
            false);
    }

    const char* backend() const override { return "redis"; }

protected:
    boost::asio::awaitable<std::optional<Entry>> lookup(std::string key) override {
        co_return co_await run_or(
            [&]() -> std::optional<Entry> {
                auto full = options_.prefix + key;
                auto reply = client_.command(full, {"HMGET", full, "v", "d"});
                if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) return {};
                auto* v = reply->element[0];
                auto* d = reply->element[1];
                if (v->type != REDIS_REPLY_STRING || d->type != REDIS_REPLY_STRING) return {};
                Entry e;
                e.version = std::stoll(std::string(v->str, v->len));
                e.value.assign(d->str, d->len);
                return e;
            },
            std::optional<Entry>());
    }

    void add_backend_stats(Stats& stats) const override {
        // Entries, bytes and evictions are Redis's own (INFO), shared by every client.
        stats.failures = client_.failures();
    }

private:
    // Runs f on the pool; `fallback` when the pool is full (a cache never makes a
    // request fail).
    template <class F, class R>
    boost::asio::awaitable<R> run_or(F f, R fallback) {
        try {
            co_return co_await pool_.run(f);
        } catch (const core::ApiError&) {
            co_return fallback;  // the pool's queue is full
        }
    }

    RedisCacheOptions options_;
    RedisClient client_;
    core::BlockingPool pool_;
};

}  // namespace

std::optional<std::vector<RedisAddress>> parse_redis_url(const std::string& url) {
    static constexpr std::string_view kScheme = "redis://";
    if (!url.starts_with(kScheme)) return std::nullopt;
    std::string_view rest(url);
    rest.remove_prefix(kScheme.size());
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    std::vector<RedisAddress> seeds;
    while (true) {
        auto comma = rest.find(',');
        auto address = parse_redis_address(rest.substr(0, comma));
        if (!address) return std::nullopt;
        seeds.push_back(std::move(*address));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return seeds;
}

std::unique_ptr<Cache> make_redis_cache(RedisCacheOptions options) {
    return std::make_unique<RedisCache>(std::move(options));
}

}  // namespace mindme::cache
