#pragma once
// The Redis servers of CTest's `databases` fixture, for the cache tests: the single
// server (MINDME_TEST_SERVICES/redis) and the cluster (…/redis_cluster).
#include <chrono>
#include <string>
#include <vector>

#include "cache/redis_client.hpp"
#include "cache/redis_slots.hpp"

namespace mindme::cache::test {

// The fixture's addresses for `name` ("redis" or "redis_cluster"). Throws when the
// suite does not run under ctest.
std::vector<RedisAddress> fixture_redis(const std::string& name);

// One command on one node, over a connection of its own; throws when it cannot.
RedisReply node_command(const RedisAddress& node, const std::vector<std::string>& args);

bool is_master(const RedisAddress& node);

// Time passes on the servers: every key under `prefix` on every master loses `by` of
// its time to live, and those with less left are deleted (no waiting).
void advance_redis(const std::vector<RedisAddress>& nodes, const std::string& prefix,
                   std::chrono::seconds by);

}  // namespace mindme::cache::test
