#include "cache/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

namespace mindme::cache {

void RedisReplyDeleter::operator()(redisReply* reply) const { freeReplyObject(reply); }

RedisReply run_redis_command(redisContext* ctx, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    RedisReply reply(static_cast<redisReply*>(
        redisCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lengths.data())));
    if (ctx->err) return nullptr;
    return reply;
}

namespace {

using Clock = std::chrono::steady_clock;

// Enough for a MOVED and an ASK in one slot's migration, with room to spare.
constexpr int kMaxRedirects = 5;
constexpr auto kMinRefreshInterval = std::chrono::milliseconds(100);

struct ContextDeleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

timeval to_timeval(std::chrono::milliseconds d) {
    return {static_cast<time_t>(d.count() / 1000),
            static_cast<suseconds_t>(d.count() % 1000 * 1000)};
}

std::string_view error_text(const redisReply& r) { return {r.str, r.len}; }

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381" → the address.
std::optional<RedisAddress> redirect_target(std::string_view error) {
    auto space = error.rfind(' ');
    if (space == std::string_view::npos) return std::nullopt;
    return parse_redis_address(error.substr(space + 1));
}

// CLUSTER SLOTS: [[first, last, [host, port, id...], replicas...]...]. An empty host
// means the node that answered.
std::optional<SlotMap> parse_cluster_slots(const redisReply& r, const RedisAddress& asked) {
    if (r.type != REDIS_REPLY_ARRAY) return std::nullopt;
    SlotMap map;
    for (std::size_t i = 0; i < r.elements; ++i) {
        const auto* range = r.element[i];
        if (range->type != REDIS_REPLY_ARRAY || range->elements < 3) return std::nullopt;
        const auto* first = range->element[0];
        const auto* last = range->element[1];
        const auto* master = range->element[2];
        if (first->type != REDIS_REPLY_INTEGER || last->type != REDIS_REPLY_INTEGER ||
            master->type != REDIS_REPLY_ARRAY || master->elements < 2 ||
            master->element[0]->type != REDIS_REPLY_STRING ||
            master->element[1]->type != REDIS_REPLY_INTEGER)
            return std::nullopt;
        RedisAddress address{std::string(master->element[0]->str, master->element[0]->len),
                             static_cast<int>(master->element[1]->integer)};
        if (address.host.empty()) address.host = asked.host;
        map.assign(static_cast<std::size_t>(first->integer),
                   static_cast<std::size_t>(last->integer), address);
    }
    if (map.empty()) return std::nullopt;
    return map;
}

}  // namespace

struct RedisClient::Impl {
    enum class Mode { kUnknown, kSingle, kCluster };
    struct Node {
        std::vector<Context> idle;
        Clock::time_point paused_until{};
    };

    RedisClientOptions options;
    mutable std::mutex mutex;
    Mode mode = Mode::kUnknown;
    RedisAddress single;  // Mode::kSingle: the server
    SlotMap slots;
    bool stale = true;
    bool refreshing = false;
    Clock::time_point last_refresh{};
    std::map<std::string, Node> nodes;  // by "host:port"
    std::uint64_t failures = 0;

    explicit Impl(RedisClientOptions o) : options(std::move(o)) {}

    bool paused(const RedisAddress& a) {
        std::lock_guard lock(mutex);
        return Clock::now() < nodes[a.text()].paused_until;
    }

    Context take(const RedisAddress& a) {
        {
            std::lock_guard lock(mutex);
            auto& idle = nodes[a.text()].idle;
            if (!idle.empty()) {
                auto ctx = std::move(idle.back());
                idle.pop_back();
                return ctx;
            }
        }
        auto tv = to_timeval(options.timeout);
        Context ctx(redisConnectWithTimeout(a.host.c_str(), a.port, tv));
        if (!ctx || ctx->err) return nullptr;
        redisSetTimeout(ctx.get(), tv);
        return ctx;
    }

    void give_back(const RedisAddress& a, Context ctx) {
        std::lock_guard lock(mutex);
        nodes[a.text()].idle.push_back(std::move(ctx));
    }

    // The node did not answer: skip it for a while, drop its connections (those from
    // before a failure are suspect) and learn the cluster's shape again.
    void node_failed(const RedisAddress& a) {
        std::lock_guard lock(mutex);
        auto& node = nodes[a.text()];
        node.idle.clear();
        node.paused_until = Clock::now() + options.pause_after_failure;
        stale = true;
        ++failures;
    }

    void unroutable() {
        std::lock_guard lock(mutex);
        stale = true;
        ++failures;
    }

    void count_failure() {
        std::lock_guard lock(mutex);
        ++failures;
    }

    // The master of `slot` as known now; nullopt when nothing serves it.
    std::optional<RedisAddress> route(std::uint16_t slot) {
        std::lock_guard lock(mutex);
        if (mode == Mode::kSingle) return single;
        if (mode == Mode::kCluster) return slots.master_of(slot);
        return std::nullopt;
    }

    void refresh_if_stale() {
        std::vector<RedisAddress> candidates;
        {
            std::lock_guard lock(mutex);
            if (mode == Mode::kSingle || !stale || refreshing) return;
            auto now = Clock::now();
            if (now - last_refresh < kMinRefreshInterval) return;
            refreshing = true;
            last_refresh = now;
            candidates = slots.masters();
            for (const auto& seed : options.seeds)
                if (std::find(candidates.begin(), candidates.end(), seed) == candidates.end())
                    candidates.push_back(seed);
        }
        for (const auto& address : candidates) {
            if (paused(address)) continue;
            if (learn_shape_from(address)) break;
        }
        std::lock_guard lock(mutex);
        refreshing = false;
    }

    // Asks one node for the slot map; true when it answered one (or said it is a
    // single server).
    bool learn_shape_from(const RedisAddress& address) {
        Context ctx = take(address);
        if (!ctx) return false;
        RedisReply reply = run_redis_command(ctx.get(), {"CLUSTER", "SLOTS"});
        if (!reply) return false;
        give_back(address, std::move(ctx));
        if (reply->type == REDIS_REPLY_ERROR) {
            if (error_text(*reply).find("cluster support disabled") == std::string_view::npos)
                return false;
            std::lock_guard lock(mutex);
            mode = Mode::kSingle;
            single = address;
            stale = false;
            return true;
        }
        auto map = parse_cluster_slots(*reply, address);
        if (!map) return false;
        std::lock_guard lock(mutex);
        mode = Mode::kCluster;
        slots = std::move(*map);
        stale = false;
        return true;
    }

    void learn_moved(std::uint16_t slot, const RedisAddress& master) {
        std::lock_guard lock(mutex);
        slots.assign(slot, slot, master);
        stale = true;  // a slot moved: others probably did too
    }

    RedisReply command(std::string_view key, const std::vector<std::string>& args) {
        auto slot = redis_key_slot(key);
        refresh_if_stale();
        std::optional<RedisAddress> asking;
        for (int hop = 0; hop <= kMaxRedirects; ++hop) {
            auto target = asking ? asking : route(slot);
            if (!target || paused(*target)) {
                // Keep looking for whoever serves the slot now (a promoted replica).
                unroutable();
                return nullptr;
            }
            Context ctx = take(*target);
            if (!ctx) {
                node_failed(*target);
                return nullptr;
            }
            if (asking && !run_redis_command(ctx.get(), {"ASKING"})) {
                node_failed(*target);
                return nullptr;
            }
            RedisReply reply = run_redis_command(ctx.get(), args);
            if (!reply) {
                node_failed(*target);
                return nullptr;
            }
            give_back(*target, std::move(ctx));
            if (reply->type != REDIS_REPLY_ERROR) return reply;
            auto error = error_text(*reply);
            asking.reset();
            if (error.starts_with("MOVED ")) {
                auto master = redirect_target(error);
                if (!master) break;
                learn_moved(slot, *master);
                continue;
            }
            if (error.starts_with("ASK ")) {
                asking = redirect_target(error);
                if (!asking) break;
                continue;
            }
            if (error.starts_with("CLUSTERDOWN") || error.starts_with("TRYAGAIN")) break;
            return nullptr;  // the command's own error (not the cluster's)
        }
        count_failure();
        return nullptr;
    }
};

RedisClient::RedisClient(RedisClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

RedisClient::~RedisClient() = default;

RedisReply RedisClient::command(std::string_view key, const std::vector<std::string>& args) {
    return impl_->command(key, args);
}

std::uint64_t RedisClient::failures() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->failures;
}

bool RedisClient::is_cluster() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->mode == Impl::Mode::kCluster;
}

}  // namespace mindme::cache
