#pragma once
// The Redis backend of Cache (redis_cache.cpp): one server or a Redis Cluster.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/redis_slots.hpp"

namespace mindme::cache {

class Cache;

// redis://host:port[,host:port...] → the addresses; nullopt when it is not one.
std::optional<std::vector<RedisAddress>> parse_redis_url(const std::string& url);

struct RedisCacheOptions {
    std::vector<RedisAddress> seeds{{"127.0.0.1", 6379}};  // the server, or cluster nodes
    std::string prefix;                      // before every key (tests: one per instance)
    std::size_t connections = 4;             // threads, each with a connection per node
    std::size_t max_waiting = 1000;          // past it a command is skipped (a miss)
    std::chrono::milliseconds timeout{200};  // connect and each command
};

std::unique_ptr<Cache> make_redis_cache(RedisCacheOptions options);

}  // namespace mindme::cache
