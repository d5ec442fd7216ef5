#pragma once
// Session tokens: 256 random bits handed out at sign-in, of which the store keeps only
// the SHA-256 digest. Live sessions are cached for up to `cache_ttl`; a sign-out
// replaces the entry with a tombstone, so no process sharing the cache accepts the token
// again.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "auth/authenticator.hpp"
#include "cache/cache.hpp"

namespace mindme::auth {

class SessionTokens final : public Authenticator {
public:
    SessionTokens(store::AccountStore& store, std::chrono::seconds token_ttl, cache::Cache& cache,
                  std::chrono::seconds cache_ttl);

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

private:
    boost::asio::awaitable<std::optional<store::LiveSession>> cached_session(
        const std::string& digest, store::Deadline deadline);
    boost::asio::awaitable<store::User> session_user(const std::string& digest,
                                                     store::Deadline deadline);

    store::AccountStore& store_;
    std::chrono::seconds token_ttl_;
    cache::Cache& cache_;
    std::chrono::seconds cache_ttl_;
    std::function<void(const std::string&)> revoke_listener_;
};

}  // namespace mindme::auth
