#include "auth/authenticator.hpp"

#include "core/errors.hpp"
#include "core/text.hpp"

namespace mindme::auth {

core::ApiError unauthorized(const std::string& message) {
    return core::ApiError(core::ErrorCode::kUnauthorized, message);
}

std::string_view bearer_token(const http::Request& req) {
    auto header = req.header("Authorization");
    if (!header || header->size() < 7 || !http::iequals(header->substr(0, 7), "Bearer "))
        throw unauthorized("a bearer token is required");
    auto token = core::trim(header->substr(7));
    if (token.empty()) throw unauthorized("a bearer token is required");
    return token;
}

std::string socket_token(const http::Request& req) {
    if (req.header("Authorization")) return std::string(bearer_token(req));
    return req.query_param("token").value_or("");
}

boost::asio::awaitable<store::User> Authenticator::authenticate(const http::Request& req) {
    co_return co_await user_for(bearer_token(req), req.deadline);
}

}  // namespace mindme::auth
