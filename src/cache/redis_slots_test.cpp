#include "cache/redis_slots.hpp"

#include <gtest/gtest.h>

#include "cache/redis_cache.hpp"

namespace mindme::cache {
namespace {

TEST(RedisSlots, Crc16IsXmodem) {
    EXPECT_EQ(redis_crc16("123456789"), 0x31C3);  // the specification's check value
    EXPECT_EQ(redis_crc16(""), 0);
}

TEST(RedisSlots, KeysHashToTheSlotsRedisComputes) {
    // Values from CLUSTER KEYSLOT.
    EXPECT_EQ(redis_key_slot("foo"), 12182);
    EXPECT_EQ(redis_key_slot("bar"), 5061);
    EXPECT_EQ(redis_key_slot("somekey"), 11058);
}

TEST(RedisSlots, OnlyTheFirstNonEmptyHashTagCounts) {
    EXPECT_EQ(redis_key_slot("{user1000}.following"), redis_key_slot("user1000"));
    EXPECT_EQ(redis_key_slot("{user1000}.followers"), redis_key_slot("user1000"));
    EXPECT_EQ(redis_key_slot("foo{bar}{zap}"), redis_key_slot("bar"));
    EXPECT_EQ(redis_key_slot("foo{{bar}}zap"), redis_key_slot("{bar"));
    // An empty tag, or no closing brace: the whole key.
    EXPECT_EQ(redis_key_slot("foo{}{bar}"), redis_crc16("foo{}{bar}") % kRedisSlots);
    EXPECT_EQ(redis_key_slot("foo{bar"), redis_crc16("foo{bar") % kRedisSlots);
}

TEST(RedisSlots, TheMapAnswersForAssignedSlotsOnly) {
    SlotMap map;
    EXPECT_FALSE(map.master_of(0));
    map.assign(0, 5460, {"127.0.0.1", 7000});
    map.assign(5461, 16383, {"127.0.0.1", 7001});
    EXPECT_EQ(map.master_of(5460)->port, 7000);
    EXPECT_EQ(map.master_of(5461)->port, 7001);
    map.assign(100, 100, {"127.0.0.1", 7001});  // one slot moved
    EXPECT_EQ(map.master_of(100)->port, 7001);
    EXPECT_EQ(map.master_of(99)->port, 7000);
    EXPECT_EQ(map.masters().size(), 2u);
    map.assign(20000, 20001, {"127.0.0.1", 7002});  // out of range: ignored
    EXPECT_EQ(map.masters().size(), 2u);
}

TEST(RedisSlots, AddressesAndUrlsParse) {
    EXPECT_EQ(parse_redis_address("127.0.0.1:6381"), (RedisAddress{"127.0.0.1", 6381}));
    EXPECT_EQ(parse_redis_address("::1:6381"), (RedisAddress{"::1", 6381}));
    for (const char* bad : {"", "host", ":6379", "h:0", "h:65536", "h:12x", "h:"})
        EXPECT_FALSE(parse_redis_address(bad)) << bad;

    auto one = parse_redis_url("redis://cache.internal:6379/");
    ASSERT_TRUE(one);
    EXPECT_EQ(*one, (std::vector<RedisAddress>{{"cache.internal", 6379}}));
    auto three = parse_redis_url("redis://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002");
    ASSERT_TRUE(three);
    EXPECT_EQ(three->size(), 3u);
    EXPECT_EQ((*three)[2], (RedisAddress{"10.0.0.3", 7002}));
    for (const char* bad :
         {"redis://", "redis://h:1,", "redis://h:1,,h:2", "http://h:1", "redis://h"})
        EXPECT_FALSE(parse_redis_url(bad)) << bad;
}

}  // namespace
}  // namespace mindme::cache
