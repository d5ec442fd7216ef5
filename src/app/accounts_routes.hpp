#pragma once
// POST /v1/accounts, POST /v1/sessions, DELETE /v1/sessions/current, GET and DELETE
// /v1/sessions, GET /v1/me: sign-up and sign-in with a password, each handing out a session
// token (auth::SessionTokens), or with a Firebase ID token when Firebase sign-in is on;
// the user's sessions, and signing out of one or all.
// Password work is bounded: guessing is throttled (auth::SignInThrottle), one address may
// hold a few hashes at once, and the hashing queue is short.
#include <boost/json/object.hpp>
#include <mutex>
#include <string>

#include "app/email.hpp"
#include "auth/firebase_users.hpp"
#include "auth/session_tokens.hpp"
#include "auth/sign_in_throttle.hpp"
#include "core/blocking_pool.hpp"
#include "core/config_fwd.hpp"
#include "core/keyed_slots.hpp"
#include "http/router.hpp"
#include "store/accounts.hpp"
#include "store/purchases.hpp"

namespace mindme::app {

void declare_auth_config(core::ConfigSchema& schema);

// What bounds password work: the guessing throttle, the hashes one address may hold,
// and the hashing queue.
struct PasswordLimits {
    auth::ThrottleOptions throttle;
    std::size_t hashes_per_address = 4;
    std::size_t hash_queue = 16;
};
PasswordLimits password_limits(const core::Config& config);

class Accounts {
public:
    // `bearer` authenticates the routes that need a signed-in user; `firebase`, when not
    // null, signs users in with Firebase ID tokens too.
    Accounts(store::AccountStore& store, core::BlockingPool& hashing, auth::SessionTokens& sessions,
             auth::Authenticator& bearer, const PasswordLimits& limits, store::Quotas quotas,
             store::PurchaseStore& purchases, auth::FirebaseUsers* firebase = nullptr);
    void add_routes(http::Router& router);

private:
    boost::asio::awaitable<http::Response> sign_up(http::Request& req);
    boost::asio::awaitable<http::Response> sign_in(http::Request& req);
    boost::asio::awaitable<http::Response> firebase_sign_in(const boost::json::object& body,
                                                            store::Deadline deadline);
    boost::asio::awaitable<http::Response> sign_out(http::Request& req);
    boost::asio::awaitable<http::Response> me(http::Request& req);
    boost::asio::awaitable<http::Response> list_sessions(http::Request& req);
    boost::asio::awaitable<http::Response> sign_out_everywhere(http::Request& req);
    // 429 when `address` holds auth.hashes_per_address hashes already.
    core::KeyedSlots::Hold take_hashing_slot(const std::string& address);

    store::AccountStore& store_;
    store::PurchaseStore& purchases_;  // the app_account_token of GET /v1/me
    store::Quotas quotas_;             // shown in GET /v1/me
    core::BlockingPool& hashing_;
    auth::SessionTokens& sessions_;
    auth::Authenticator& bearer_;
    auth::FirebaseUsers* firebase_;
    auth::SignInThrottle throttle_;
    core::KeyedSlots hashing_per_address_;
    // Verified against when the email is unknown. Made on a hashing thread the first
    // time one is needed, not at start: a hash costs tens of milliseconds, which every
    // process start (a scale-out) would otherwise wait for.
    const std::string& dummy_hash();
    std::once_flag dummy_once_;
    std::string dummy_hash_;
};

}  // namespace mindme::app
