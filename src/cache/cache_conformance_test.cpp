// The Cache conformance suite: what every backend must do, run on memory:// in the unit
// tier, on one Redis server and a Redis Cluster in the service tier. `advance` moves the
// backend's clock (for Redis, by shortening the keys' time to live on the servers).
#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include "cache/cache.hpp"
#include "cache/redis_cache.hpp"
#include "cache/redis_test_servers.hpp"
#include "core/await_now.hpp"
#include "core/test_services.hpp"

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

// A Redis of CTest's `databases` fixture ("redis" or "redis_cluster"); keys of one
// instance share a prefix of their own, which is no hash tag: in the cluster they
// spread over every master.
Backend redis_backend_named(const std::string& name) {
    static std::atomic<int> serial{0};
    RedisCacheOptions o;
    o.seeds = test::fixture_redis(name);
    o.prefix = "t" + std::to_string(::getpid()) + "_" + std::to_string(++serial) + ":";
    return {make_redis_cache(o), [nodes = o.seeds, prefix = o.prefix](seconds s) {
                test::advance_redis(nodes, prefix, s);
            }};
}

Backend redis_backend() { return redis_backend_named("redis"); }
Backend redis_cluster_backend() { return redis_backend_named("redis_cluster"); }

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

INSTANTIATE_TEST_SUITE_P(All, CacheConformance,
                         ::testing::ValuesIn(core::tier_backends<Backend (*)()>(
                             {&memory_backend}, {&redis_backend, &redis_cluster_backend})),
                         [](const auto& named) {
                             if (named.param == &memory_backend) return std::string("memory");
                             if (named.param == &redis_backend) return std::string("redis");
                             return std::string("redis_cluster");
                         });

}  // namespace
}  // namespace mindme::cache
