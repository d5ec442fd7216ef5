// The Redis backend of Cache (cache.url = redis://host:port): one hash per key, fields
// v (version) and d (value), written by a Lua script that compares versions on the
// server, so concurrent puts from any number of processes leave the newest. Commands
// run on a bounded blocking pool, one hiredis connection per thread. Redis is an
// optimisation: when it fails, a lookup is a miss, a put stores nothing, and for a
// second no command is tried (requests do not each wait for a dead server); then the
// next command reconnects.
#include "cache/redis_cache.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "cache/cache.hpp"
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

constexpr auto kPauseAfterFailure = std::chrono::seconds(1);

struct ReplyDeleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextDeleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

timeval to_timeval(std::chrono::milliseconds d) {
    return {static_cast<time_t>(d.count() / 1000),
            static_cast<suseconds_t>(d.count() % 1000 * 1000)};
}

class RedisCache final : public Cache {
public:
    explicit RedisCache(RedisCacheOptions options)
        : options_(std::move(options)),
          pool_("cache", std::max<std::size_t>(1, options_.connections), options_.max_waiting) {}

    boost::asio::awaitable<bool> put(std::string key, Entry entry,
                                     std::chrono::seconds ttl) override {
        co_return co_await run_or(
            [&]() {
                auto version = std::to_string(entry.version);
                auto ttl_ms = std::to_string(std::chrono::milliseconds(ttl).count());
                auto full = options_.prefix + key;
                auto reply = command({"EVAL", kPutScript, "1", full, version, entry.value, ttl_ms});
                return reply && reply->type == REDIS_REPLY_INTEGER && reply->integer == 1;
            },
            false);
    }

    boost::asio::awaitable<void> erase(std::string key) override {
        co_await run_or(
            [&]() {
                command({"DEL", options_.prefix + key});
                return true;
            },
            false);
    }

    const char* backend() const override { return "redis"; }

protected:
    boost::asio::awaitable<std::optional<Entry>> lookup(std::string key) override {
        co_return co_await run_or(
            [&]() -> std::optional<Entry> {
                auto reply = command({"HMGET", options_.prefix + key, "v", "d"});
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
        std::lock_guard lock(mutex_);
        // Entries, bytes and evictions are Redis's own (INFO), shared by every client.
        stats.failures = failures_;
    }

private:
    // Runs f on the pool; `fallback` when Redis is paused after a failure or the pool
    // is full (a cache never makes a request fail).
    template <class F, class R>
    boost::asio::awaitable<R> run_or(F f, R fallback) {
        if (paused()) co_return fallback;
        try {
            co_return co_await pool_.run(f);
        } catch (const core::ApiError&) {
            co_return fallback;  // the pool's queue is full
        }
    }

    bool paused() const {
        std::lock_guard lock(mutex_);
        return std::chrono::steady_clock::now() < paused_until_;
    }

    // One command on a connection of this pool; nullptr when Redis failed.
    Reply command(std::vector<std::string> args) {
        Context ctx = take();
        if (!ctx) return nullptr;
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const auto& a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
        Reply reply(static_cast<redisReply*>(redisCommandArgv(
            ctx.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
        if (!reply || ctx->err) {
            failed();
            return nullptr;  // the connection is dropped with ctx
        }
        give_back(std::move(ctx));
        if (reply->type == REDIS_REPLY_ERROR)
            return nullptr;  // e.g. MOVED: not a cluster client yet
        return reply;
    }

    Context take() {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                auto ctx = std::move(idle_.back());
                idle_.pop_back();
                return ctx;
            }
        }
        auto tv = to_timeval(options_.timeout);
        Context ctx(redisConnectWithTimeout(options_.host.c_str(), options_.port, tv));
        if (!ctx || ctx->err) {
            failed();
            return nullptr;
        }
        redisSetTimeout(ctx.get(), tv);
        return ctx;
    }

    void give_back(Context ctx) {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(ctx));
    }

    void failed() {
        std::lock_guard lock(mutex_);
        ++failures_;
        paused_until_ = std::chrono::steady_clock::now() + kPauseAfterFailure;
        idle_.clear();  // connections from before a failure are suspect
    }

    RedisCacheOptions options_;
    mutable std::mutex mutex_;
    std::vector<Context> idle_;
    std::chrono::steady_clock::time_point paused_until_{};
    std::uint64_t failures_ = 0;
    core::BlockingPool pool_;
};

}  // namespace

std::optional<RedisAddress> parse_redis_url(const std::string& url) {
    static constexpr std::string_view kScheme = "redis://";
    if (!url.starts_with(kScheme)) return std::nullopt;
    auto rest = url.substr(kScheme.size());
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    RedisAddress a;
    a.host = rest.substr(0, colon);
    try {
        std::size_t used = 0;
        auto port = std::stoi(rest.substr(colon + 1), &used);
        if (used != rest.size() - colon - 1 || port < 1 || port > 65535) return std::nullopt;
        a.port = port;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return a;
}

std::unique_ptr<Cache> make_redis_cache(RedisCacheOptions options) {
    return std::make_unique<RedisCache>(std::move(options));
}

}  // namespace mindme::cache
