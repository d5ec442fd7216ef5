#pragma once
// POST /v1/accounts, POST /v1/sessions, DELETE /v1/sessions/current, GET /v1/me: sign-up
// and sign-in with a password, each handing out a session token (auth::SessionTokens).
#include <string>

#include "auth/session_tokens.hpp"
#include "core/blocking_pool.hpp"
#include "core/config_fwd.hpp"
#include "http/router.hpp"
#include "store/accounts.hpp"

namespace mindme::app {

void declare_auth_config(core::ConfigSchema& schema);

class Accounts {
public:
    Accounts(store::AccountStore& store, core::BlockingPool& hashing,
             auth::SessionTokens& sessions);
    void add_routes(http::Router& router);

private:
    boost::asio::awaitable<http::Response> sign_up(http::Request& req);
    boost::asio::awaitable<http::Response> sign_in(http::Request& req);
    boost::asio::awaitable<http::Response> sign_out(http::Request& req);
    boost::asio::awaitable<http::Response> me(http::Request& req);

    store::AccountStore& store_;
    core::BlockingPool& hashing_;
    auth::SessionTokens& sessions_;
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
