// The Cache conformance suite: what every backend must do. The Redis backend
// instantiates it again with a factory of its own; `advance` moves that backend's
// clock (a real wait where the clock is the server's).
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <thread>

#include "cache/cache.hpp"
#include "cache/redis_cache.hpp"
#include "core/await_now.hpp"

namespace mindme::cache {
namespace {

using core::await_now;
using std::chrono::seconds;

struct Backend {
    std::unique_ptr<Cache> cache;
    std::function<void(seconds)> advance;
};

std::atomic<std::int64_t> fake_offset_s{0};
std::chrono::steady_clock::time_point fake_now() {
    return std::chrono::steady_clock::time_point{} + seconds(fake_offset_s.load());
}

Backend memory_backend() {
    MemoryCacheOptions o;
    o.now = &fake_now;
    return {make_memory_cache(o), [](seconds s) { fake_offset_s += s.count(); }};
}

// The Redis of CTest's `databases` fixture (MINDME_TEST_SERVICES/redis/url); keys of
// one instance share a prefix of their own.
RedisAddress fixture_redis() {
    const char* dir = std::getenv("MINDME_TEST_SERVICES");
    if (!dir) throw std::runtime_error("MINDME_TEST_SERVICES is not set: run through ctest");
    std::ifstream in(std::string(dir) + "/redis/url");
    std::string url;
    std::getline(in, url);
    auto address = parse_redis_url(url);
    if (!address) throw std::runtime_error("no Redis in " + std::string(dir));
    return *address;
}

// Time passes on the server by shortening every key's time to live (no waiting).
void advance_redis(const RedisAddress& a, const std::string& prefix, seconds by) {
    static constexpr const char* kScript =
        "for _, k in ipairs(redis.call('KEYS', ARGV[1] .. '*')) do "
        "  local t = redis.call('PTTL', k) "
        "  if t > 0 then "
        "    if t <= tonumber(ARGV[2]) then redis.call('DEL', k) "
        "    else redis.call('PEXPIRE', k, t - tonumber(ARGV[2])) end "
        "  end "
        "end return 0";
    redisContext* c = redisConnect(a.host.c_str(), a.port);
    ASSERT_TRUE(c && !c->err);
    auto ms = std::to_string(std::chrono::milliseconds(by).count());
    auto* reply = static_cast<redisReply*>(
        redisCommand(c, "EVAL %s 0 %b %s", kScript, prefix.data(), prefix.size(), ms.c_str()));
    ASSERT_TRUE(reply && reply->type == REDIS_REPLY_INTEGER);
    freeReplyObject(reply);
    redisFree(c);
}

Backend redis_backend() {
    static std::atomic<int> serial{0};
    auto address = fixture_redis();
    RedisCacheOptions o;
    o.host = address.host;
    o.port = address.port;
    o.prefix = "t" + std::to_string(::getpid()) + "_" + std::to_string(++serial) + ":";
    return {make_redis_cache(o),
            [address, prefix = o.prefix](seconds s) { advance_redis(address, prefix, s); }};
}

class CacheConformance : public ::testing::TestWithParam<Backend (*)()> {
protected:
    void SetUp() override { backend_ = GetParam()(); }
    Cache& cache() { return *backend_.cache; }
    bool put(const std::string& key, const std::string& value, std::int64_t version,
             seconds ttl = seconds(60)) {
        return await_now(cache().put(key, Entry{value, version}, ttl));
    }
    std::optional<Entry> get(const std::string& key) { return await_now(cache().get(key)); }

    Backend backend_;
};

TEST_P(CacheConformance, MissesThenHitsAndCountsBoth) {
    auto before = cache().stats();
    EXPECT_FALSE(get("k"));
    EXPECT_TRUE(put("k", "v", 1));
    auto entry = get("k");
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->value, "v");
    EXPECT_EQ(entry->version, 1);
    auto after = cache().stats();
    EXPECT_EQ(after.misses - before.misses, 1u);
    EXPECT_EQ(after.hits - before.hits, 1u);
    // A process knows what its own cache holds; a shared Redis's size is Redis's to
    // report (INFO keyspace), not each client's.
    if (std::string(cache().backend()) == "memory") {
        EXPECT_GE(after.entries, 1u);
    }
}

TEST_P(CacheConformance, APutNeverReplacesANewerOrEqualVersion) {
    EXPECT_TRUE(put("k", "v2", 2));
    EXPECT_FALSE(put("k", "v1", 1));
    EXPECT_FALSE(put("k", "other", 2));
    EXPECT_EQ(get("k")->value, "v2");
    EXPECT_TRUE(put("k", "v3", 3));
    EXPECT_EQ(get("k")->value, "v3");
}

TEST_P(CacheConformance, ATombstoneKeepsAStaleCopyOut) {
    EXPECT_TRUE(put("k", "v1", 1));
    EXPECT_TRUE(put("k", "", 2));  // deleted
    EXPECT_FALSE(put("k", "v1", 1));
    auto entry = get("k");
    ASSERT_TRUE(entry);
    EXPECT_TRUE(entry->value.empty());
}

TEST_P(CacheConformance, EntriesExpireAfterTheirTtl) {
    EXPECT_TRUE(put("short", "v", 5, seconds(1)));
    EXPECT_TRUE(put("long", "v", 5, seconds(3600)));
    backend_.advance(seconds(2));
    EXPECT_FALSE(get("short"));
    EXPECT_TRUE(get("long"));
    // Once expired, a key takes any version again.
    EXPECT_TRUE(put("short", "older", 1));
    EXPECT_EQ(get("short")->value, "older");
}

TEST_P(CacheConformance, EraseRemovesTheEntry) {
    EXPECT_TRUE(put("k", "v", 7));
    await_now(cache().erase("k"));
    EXPECT_FALSE(get("k"));
    await_now(cache().erase("never-there"));
    EXPECT_TRUE(put("k", "v", 1));
}

TEST_P(CacheConformance, ConcurrentPutsLeaveTheHighestVersion) {
    constexpr int kThreads = 4;
    constexpr int kVersions = 500;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([this, t] {
            for (int v = t; v < kVersions; v += kThreads)
                await_now(cache().put("race", Entry{std::to_string(v), v}, seconds(60)));
        });
    for (auto& t : threads) t.join();
    auto entry = get("race");
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->version, kVersions - 1);
    EXPECT_EQ(entry->value, std::to_string(kVersions - 1));
}

TEST_P(CacheConformance, KeysAndValuesAreBinarySafe) {
    std::string key("k\0\n\xff", 4);
    std::string value("v\0\r\n\xfe", 5);
    EXPECT_TRUE(put(key, value, 1));
    EXPECT_EQ(get(key)->value, value);
    EXPECT_FALSE(get(std::string("k\0\n\xfe", 4)));
}

INSTANTIATE_TEST_SUITE_P(All, CacheConformance, ::testing::Values(&memory_backend, &redis_backend),
                         [](const auto& named) {
                             return std::string(named.param == &memory_backend ? "memory"
                                                                               : "redis");
                         });

}  // namespace
}  // namespace mindme::cache
