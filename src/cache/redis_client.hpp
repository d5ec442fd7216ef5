#pragma once
// A blocking, thread-safe Redis client for one server or a Redis Cluster, found out from
// the seeds: a node that answers CLUSTER SLOTS makes it a cluster client, one whose
// cluster support is disabled a single-server one. In a cluster each command goes to
// the master of its key's slot; MOVED updates the slot map and retries there, ASK
// retries once on the importing node after ASKING, and a failed node or a MOVED makes
// the next command refresh the whole map (at most every 100 ms) from any node that
// answers — which is how a replica promoted after its master died is found. A node that
// failed is not tried again for `pause_after_failure`: requests do not each wait for a
// dead server.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/redis_slots.hpp"

struct redisReply;
struct redisContext;

namespace mindme::cache {

struct RedisReplyDeleter {
    void operator()(redisReply* reply) const;
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// One command on a connection, arguments binary-safe. nullptr when the connection
// failed (ctx->err tells why); an error reply is a reply.
RedisReply run_redis_command(redisContext* ctx, const std::vector<std::string>& args);

struct RedisClientOptions {
    std::vector<RedisAddress> seeds;         // any nodes of the cluster, or the server
    std::chrono::milliseconds timeout{200};  // connect and each command
    std::chrono::milliseconds pause_after_failure{1000};
};

class RedisClient {
public:
    explicit RedisClient(RedisClientOptions options);
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    // Runs `args` on the node that serves `key`. nullptr when Redis could not answer
    // (counted in failures()) or answered with an error.
    RedisReply command(std::string_view key, const std::vector<std::string>& args);
    std::uint64_t failures() const;
    bool is_cluster() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::cache
