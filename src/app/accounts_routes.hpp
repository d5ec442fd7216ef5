#pragma once
// POST /v1/accounts, POST /v1/sessions, DELETE /v1/sessions/current, GET /v1/me, and
// the bearer-token authentication the other /v1 routes use.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "cache/cache.hpp"
#include "core/blocking_pool.hpp"
#include "core/config_fwd.hpp"
#include "http/router.hpp"
#include "store/accounts.hpp"

namespace mindme::app {

void declare_auth_config(core::ConfigSchema& schema);

class Accounts {
public:
    // Live sessions are cached for up to `cache_ttl`; a sign-out replaces its entry
    // with a tombstone, so no process of this cache accepts the token again.
    Accounts(store::AccountStore& store, core::BlockingPool& hashing,
             std::chrono::seconds token_ttl, cache::Cache& cache, std::chrono::seconds cache_ttl);
    void add_routes(http::Router& router);
    // The caller's user; 401 (with WWW-Authenticate) without a live bearer token.
    boost::asio::awaitable<store::User> authenticate(const http::Request& req);
    // The SHA-256 of the request's bearer token; 401 when there is none.
    static std::string bearer_digest(const http::Request& req);
    // The SHA-256 of a token given another way (a WebSocket's ?token=); 401 when empty.
    static std::string token_digest(std::string_view token);
    // The user of a live session with that token digest; 401 otherwise.
    boost::asio::awaitable<store::User> session_user(const std::string& digest,
                                                     store::Deadline deadline);
    // Called with the token digest of every sign-out (to close that token's sockets).
    void on_revoke(std::function<void(const std::string& digest)> listener);

private:
    boost::asio::awaitable<http::Response> sign_up(http::Request& req);
    boost::asio::awaitable<http::Response> sign_in(http::Request& req);
    boost::asio::awaitable<http::Response> sign_out(http::Request& req);
    boost::asio::awaitable<http::Response> me(http::Request& req);
    store::SessionRecord new_session(const std::string& user_id, std::string& token) const;
    boost::asio::awaitable<std::optional<store::LiveSession>> cached_session(
        const std::string& digest, store::Deadline deadline);

    store::AccountStore& store_;
    core::BlockingPool& hashing_;
    std::chrono::seconds token_ttl_;
    cache::Cache& cache_;
    std::chrono::seconds cache_ttl_;
    std::function<void(const std::string&)> revoke_listener_;
    std::string dummy_hash_;  // verified against when the email is unknown
};

// Trimmed email, and its key: ASCII letters lower-cased (what uniqueness compares).
struct Email {
    std::string address;
    std::string key;
};
// 422 naming "email" unless it is a plausible address of at most 254 bytes.
Email normalize_email(std::string_view raw);

}  // namespace mindme::app
