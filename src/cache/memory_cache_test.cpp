// What only the in-process backend promises: a byte budget kept by evicting the
// least recently used entries.
#include <gtest/gtest.h>

#include "cache/cache.hpp"
#include "core/await_now.hpp"

namespace mindme::cache {
namespace {

using core::await_now;
using std::chrono::seconds;

std::string value_of(std::size_t n) { return std::string(n, 'x'); }

TEST(MemoryCache, StaysWithinItsBudgetAndCountsEvictions) {
    MemoryCacheOptions o;
    o.max_bytes = 1 << 20;
    auto cache = make_memory_cache(o);
    for (int i = 0; i < 10'000; ++i)
        await_now(cache->put("key" + std::to_string(i), Entry{value_of(1000), 1}, seconds(60)));
    auto s = cache->stats();
    EXPECT_LE(s.bytes, o.max_bytes);
    EXPECT_GT(s.entries, 100u);
    EXPECT_LT(s.entries, 1100u);
    EXPECT_EQ(s.evictions, 10'000u - s.entries);
    EXPECT_TRUE(await_now(cache->get("key9999")));
    EXPECT_FALSE(await_now(cache->get("key0")));
}

TEST(MemoryCache, ARecentReadKeepsAnEntry) {
    MemoryCacheOptions o;
    o.max_bytes = 1 << 20;
    auto cache = make_memory_cache(o);
    await_now(cache->put("hot", Entry{value_of(1000), 1}, seconds(60)));
    for (int i = 0; i < 10'000; ++i) {
        await_now(cache->put("cold" + std::to_string(i), Entry{value_of(1000), 1}, seconds(60)));
        ASSERT_TRUE(await_now(cache->get("hot"))) << "evicted after " << i << " puts";
    }
}

TEST(MemoryCache, RefusesAnEntryLargerThanAShard) {
    MemoryCacheOptions o;
    o.max_bytes = 1 << 20;
    auto cache = make_memory_cache(o);
    EXPECT_FALSE(await_now(cache->put("big", Entry{value_of(1 << 20), 1}, seconds(60))));
    EXPECT_FALSE(await_now(cache->get("big")));
    EXPECT_EQ(cache->stats().bytes, 0u);
}

}  // namespace
}  // namespace mindme::cache
