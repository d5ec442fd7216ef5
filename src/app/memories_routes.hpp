#pragma once
// /v1/memories: create, read (ETag, If-None-Match), list newest first, replace
// (If-Match), delete. Reads go through the cache; every write puts the new version
// (or a tombstone) there after it commits, and the cache never lets an older copy
// replace a newer one, so a reader racing a writer cannot bring a stale memory back.
#include <chrono>
#include <functional>

#include "auth/authenticator.hpp"
#include "cache/cache.hpp"
#include "http/router.hpp"
#include "store/memories.hpp"

namespace mindme::app {

class Memories {
public:
    Memories(store::MemoryStore& store, auth::Authenticator& auth, cache::Cache& cache,
             std::chrono::seconds cache_ttl);
    void add_routes(http::Router& router);
    // Called after every committed change (to push events at once).
    void on_change(std::function<void()> listener) { change_listener_ = std::move(listener); }

private:
    boost::asio::awaitable<http::Response> create(http::Request& req);
    boost::asio::awaitable<http::Response> read(http::Request& req);
    boost::asio::awaitable<http::Response> list(http::Request& req);
    boost::asio::awaitable<http::Response> replace(http::Request& req);
    boost::asio::awaitable<http::Response> remove(http::Request& req);

    // The user's memory as JSON with its version, from the cache or the store;
    // nullopt when there is no such memory of that user.
    boost::asio::awaitable<std::optional<cache::Entry>> lookup(const std::string& user_id,
                                                               const std::string& id,
                                                               const http::Request& req);
    // The version an If-Match header demands: nullopt when there is none (or "*");
    // -1 when no listed tag can match.
    boost::asio::awaitable<std::optional<std::int64_t>> expected_version(const std::string& user_id,
                                                                         const std::string& id,
                                                                         const http::Request& req);
    boost::asio::awaitable<void> remember(const std::string& user_id, const std::string& id,
                                          cache::Entry entry);

    store::MemoryStore& store_;
    auth::Authenticator& auth_;
    cache::Cache& cache_;
    std::chrono::seconds cache_ttl_;
    std::function<void()> change_listener_;
};

}  // namespace mindme::app
