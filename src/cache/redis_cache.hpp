#pragma once
// The Redis backend of Cache (redis_cache.cpp).
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace mindme::cache {

class Cache;

struct RedisAddress {
    std::string host;
    int port = 6379;
};
// redis://host:port → the address; nullopt when it is not one.
std::optional<RedisAddress> parse_redis_url(const std::string& url);

struct RedisCacheOptions {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string prefix;                      // before every key (tests: one per instance)
    std::size_t connections = 4;             // threads and connections
    std::size_t max_waiting = 1000;          // past it a command is skipped (a miss)
    std::chrono::milliseconds timeout{200};  // connect and each command
};

std::unique_ptr<Cache> make_redis_cache(RedisCacheOptions options);

}  // namespace mindme::cache
