#pragma once
// Session tokens: 256 random bits handed out at sign-in, of which the store keeps only
// the SHA-256 digest. Live sessions are cached for up to `cache_ttl`; a sign-out
// replaces the entry with a tombstone, so no process sharing the cache accepts the token
// again. A cache that other processes do not share (memory:// behind several processes)
// cannot hear of their sign-outs, so then sessions are not cached at all
// (cache_sessions false): each request reads its session from the store's primary.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/authenticator.hpp"
#include "cache/cache.hpp"

namespace mindme::auth {

class SessionTokens final : public Authenticator {
public:
    SessionTokens(store::AccountStore& store, std::chrono::seconds token_ttl, cache::Cache& cache,
                  std::chrono::seconds cache_ttl, bool cache_sessions = true);

    boost::asio::awaitable<store::User> user_for(std::string_view token,
                                                 store::Deadline deadline) override;
    void on_revoke(std::function<void(const std::string& key)> listener) override;
    // The token's digest.
    std::string revocation_key(std::string_view token) const override;

    // A new session of `user_id` to store; `token` receives what the client gets.
    store::SessionRecord new_session(const std::string& user_id, std::string& token) const;
    // Ends the session of `token` (401 unless it is live): in the store, in the cache, and
    // on the sockets that hold it.
    boost::asio::awaitable<void> revoke(std::string_view token, store::Deadline deadline);
    // The user's live sessions, newest first.
    boost::asio::awaitable<std::vector<store::SessionRecord>> list(const std::string& user_id,
                                                                   store::Deadline deadline);
    // Ends every session of the user, as revoke() ends one.
    boost::asio::awaitable<void> revoke_all(const std::string& user_id, store::Deadline deadline);

private:
    boost::asio::awaitable<std::optional<store::LiveSession>> cached_session(
        const std::string& digest, store::Deadline deadline);
    boost::asio::awaitable<store::User> session_user(const std::string& digest,
                                                     store::Deadline deadline);
    // Tombstones the digest in the cache and tells the listener.
    boost::asio::awaitable<void> forget(const std::string& digest);

    store::AccountStore& store_;
    std::chrono::seconds token_ttl_;
    cache::Cache& cache_;
    std::chrono::seconds cache_ttl_;
    bool cache_sessions_;
    std::function<void(const std::string&)> revoke_listener_;
};

}  // namespace mindme::auth
