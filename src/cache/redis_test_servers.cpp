#include "cache/redis_test_servers.hpp"

#include <hiredis/hiredis.h>

#include <memory>
#include <stdexcept>

#include "cache/redis_cache.hpp"
#include "core/test_services.hpp"

namespace mindme::cache::test {

std::vector<RedisAddress> fixture_redis(const std::string& name) {
    auto seeds = parse_redis_url(core::test_service_url(name));
    if (!seeds) throw std::runtime_error("the fixture's " + name + " URL is not a Redis one");
    return *seeds;
}

RedisReply node_command(const RedisAddress& node, const std::vector<std::string>& args) {
    std::unique_ptr<redisContext, void (*)(redisContext*)> c(
        redisConnect(node.host.c_str(), node.port), &redisFree);
    if (!c || c->err) throw std::runtime_error("cannot reach Redis at " + node.text());
    auto reply = run_redis_command(c.get(), args);
    if (!reply) throw std::runtime_error("Redis at " + node.text() + " did not answer");
    return reply;
}

bool is_master(const RedisAddress& node) {
    auto role = node_command(node, {"ROLE"});
    return role->type == REDIS_REPLY_ARRAY && role->elements > 0 &&
           std::string(role->element[0]->str, role->element[0]->len) == "master";
}

void advance_redis(const std::vector<RedisAddress>& nodes, const std::string& prefix,
                   std::chrono::seconds by) {
    auto ms = std::chrono::milliseconds(by).count();
    for (const auto& node : nodes) {
        if (!is_master(node)) continue;
        auto keys = node_command(node, {"KEYS", prefix + "*"});
        for (std::size_t i = 0; i < keys->elements; ++i) {
            std::string key(keys->element[i]->str, keys->element[i]->len);
            auto ttl = node_command(node, {"PTTL", key});
            if (ttl->type != REDIS_REPLY_INTEGER || ttl->integer <= 0) continue;
            if (ttl->integer <= ms)
                node_command(node, {"DEL", key});
            else
                node_command(node, {"PEXPIRE", key, std::to_string(ttl->integer - ms)});
        }
    }
}

}  // namespace mindme::cache::test
