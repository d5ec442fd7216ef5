#include "auth/firebase_users.hpp"

#include <algorithm>

#include "auth/credentials.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"

namespace mindme::auth {

namespace {
constexpr std::size_t kUserIdBytes = 16;  // as password accounts' ids
}

FirebaseUsers::FirebaseUsers(FirebaseIdTokens& tokens, store::AccountStore& store)
    : tokens_(tokens), store_(store) {}

boost::asio::awaitable<store::User> FirebaseUsers::user_for(std::string_view token,
                                                            store::Deadline deadline) {
    auto identity = co_await tokens_.verify(token);
    store::User fresh{core::random_id(kUserIdBytes), identity.email, "", core::now_ms()};
    co_return co_await store_.firebase_user(identity.uid, fresh, deadline);
}

std::string FirebaseUsers::revocation_key(std::string_view token) const {
    return token_digest(token);
}

BearerTokens::BearerTokens(SessionTokens& sessions, FirebaseUsers* firebase)
    : sessions_(sessions), firebase_(firebase) {}

Authenticator& BearerTokens::for_token(std::string_view token) const {
    if (firebase_ && std::count(token.begin(), token.end(), '.') == 2) return *firebase_;
    return sessions_;
}

boost::asio::awaitable<store::User> BearerTokens::user_for(std::string_view token,
                                                           store::Deadline deadline) {
    co_return co_await for_token(token).user_for(token, deadline);
}

void BearerTokens::on_revoke(std::function<void(const std::string& key)> listener) {
    sessions_.on_revoke(std::move(listener));
}

std::string BearerTokens::revocation_key(std::string_view token) const {
    return for_token(token).revocation_key(token);
}

}  // namespace mindme::auth
