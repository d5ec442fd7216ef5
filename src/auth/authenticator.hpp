#pragma once
// Who is calling. Every authenticated route asks an Authenticator for the user behind the
// request's credential; session tokens (SessionTokens) are one kind, and other kinds
// (Firebase ID tokens) implement the same interface beside them.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "store/accounts.hpp"

namespace mindme::auth {

class Authenticator {
public:
    virtual ~Authenticator() = default;

    // The user whose credential `token` is (as the client sent it); 401 when it is
    // missing, invalid, expired or revoked.
    virtual boost::asio::awaitable<store::User> user_for(std::string_view token,
                                                         store::Deadline deadline) = 0;

    // `listener` is called with every credential revoked from then on, by the
    // revocation_key() of its token, so that what holds it (an events socket) lets go.
    virtual void on_revoke(std::function<void(const std::string& key)> listener) = 0;

    // What identifies `token` in revocation notices (not the token itself).
    virtual std::string revocation_key(std::string_view token) const = 0;

    // The caller's user, from `Authorization: Bearer <token>`; 401 (the error names
    // what is missing) without a valid one.
    boost::asio::awaitable<store::User> authenticate(const http::Request& req);
};

// The token of `Authorization: Bearer <token>`, trimmed; 401 when there is none.
std::string_view bearer_token(const http::Request& req);

// The token of a WebSocket upgrade: from Authorization, else from ?token= (a browser
// cannot set headers on a WebSocket); "" when there is neither.
std::string socket_token(const http::Request& req);

// 401 with `message`.
core::ApiError unauthorized(const std::string& message);

}  // namespace mindme::auth
