#include "auth/session_tokens.hpp"

#include <charconv>

#include "auth/credentials.hpp"
#include "core/clock.hpp"
#include "core/text.hpp"

namespace mindme::auth {
namespace {

// Cache versions of a session: live, then revoked (which no live copy replaces).
constexpr std::int64_t kSessionLive = 1;
constexpr std::int64_t kSessionRevoked = 2;

std::string session_key(const std::string& digest) { return "session:" + digest; }

// id, email, created_at, expires_at, one per line (none of them holds a newline).
std::string encode_session(const store::LiveSession& s) {
    return s.user.id + '\n' + s.user.email + '\n' + std::to_string(s.user.created_at_ms) + '\n' +
           std::to_string(s.expires_at_ms);
}

std::optional<store::LiveSession> decode_session(std::string_view text) {
    auto fields = core::split_list(text, '\n');
    if (fields.size() != 4) return std::nullopt;
    store::LiveSession s;
    s.user.id = fields[0];
    s.user.email = fields[1];
    auto number = [](std::string_view f, std::int64_t& out) {
        return std::from_chars(f.data(), f.data() + f.size(), out).ec == std::errc();
    };
    if (!number(fields[2], s.user.created_at_ms) || !number(fields[3], s.expires_at_ms))
        return std::nullopt;
    return s;
}

}  // namespace

SessionTokens::SessionTokens(store::AccountStore& store, std::chrono::seconds token_ttl,
                             cache::Cache& cache, std::chrono::seconds cache_ttl,
                             bool cache_sessions)
    : store_(store),
      token_ttl_(token_ttl),
      cache_(cache),
      cache_ttl_(cache_ttl),
      cache_sessions_(cache_sessions) {}

std::string SessionTokens::revocation_key(std::string_view token) const {
    auto trimmed = core::trim(token);
    if (trimmed.empty()) throw unauthorized("a token is required");
    return token_digest(trimmed);
}

boost::asio::awaitable<store::User> SessionTokens::user_for(std::string_view token,
                                                            store::Deadline deadline) {
    co_return co_await session_user(revocation_key(token), deadline);
}

void SessionTokens::on_revoke(std::function<void(const std::string& key)> listener) {
    revoke_listener_ = std::move(listener);
}

store::SessionRecord SessionTokens::new_session(const std::string& user_id,
                                                std::string& token) const {
    token = new_session_token();
    auto now = core::now_ms();
    return {token_digest(token), user_id, now,
            now + std::chrono::duration_cast<std::chrono::milliseconds>(token_ttl_).count()};
}

boost::asio::awaitable<std::optional<store::LiveSession>> SessionTokens::cached_session(
    const std::string& digest, store::Deadline deadline) {
    if (!cache_sessions_) co_return co_await store_.find_session(digest, core::now_ms(), deadline);
    auto key = session_key(digest);
    if (auto entry = co_await cache_.get(key)) {
        if (entry->version == kSessionRevoked) co_return std::nullopt;
        if (auto live = decode_session(entry->value)) co_return live;
    }
    auto now = core::now_ms();
    auto live = co_await store_.find_session(digest, now, deadline);
    if (live) {
        auto left = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::milliseconds(live->expires_at_ms - now));
        // Arguments of awaited calls are named: GCC 12 destroys a braced temporary
        // in a co_await expression twice.
        cache::Entry entry{encode_session(*live), kSessionLive};
        if (auto ttl = std::min(cache_ttl_, left); ttl.count() > 0)
            co_await cache_.put(key, std::move(entry), ttl);
    }
    co_return live;
}

boost::asio::awaitable<store::User> SessionTokens::session_user(const std::string& digest,
                                                                store::Deadline deadline) {
    auto live = co_await cached_session(digest, deadline);
    // A cached copy may outlive the session by less than a second; checked here.
    if (!live || live->expires_at_ms <= core::now_ms())
        throw unauthorized("the token is invalid, expired or revoked");
    co_return live->user;
}

boost::asio::awaitable<void> SessionTokens::revoke(std::string_view token,
                                                   store::Deadline deadline) {
    auto digest = revocation_key(token);
    co_await session_user(digest, deadline);
    co_await store_.revoke_session(digest, core::now_ms(), deadline);
    co_await forget(digest);
}

boost::asio::awaitable<std::vector<store::SessionRecord>> SessionTokens::list(
    const std::string& user_id, store::Deadline deadline) {
    co_return co_await store_.list_sessions(user_id, core::now_ms(), deadline);
}

boost::asio::awaitable<void> SessionTokens::revoke_all(const std::string& user_id,
                                                       store::Deadline deadline) {
    auto revoked = co_await store_.revoke_user_sessions(user_id, core::now_ms(), deadline);
    for (const auto& digest : revoked) co_await forget(digest);
}

boost::asio::awaitable<void> SessionTokens::forget(const std::string& digest) {
    if (cache_sessions_) {
        cache::Entry tombstone{std::string(), kSessionRevoked};
        co_await cache_.put(session_key(digest), std::move(tombstone), cache_ttl_);
    }
    if (revoke_listener_) revoke_listener_(digest);
}

}  // namespace mindme::auth
