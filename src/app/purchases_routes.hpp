#pragma once
// Purchases: a store's proof of purchase checked (never the client's word), the
// entitlement it grants recorded once, and the user's entitlements listed.
//   POST /v1/purchases {"platform":"ios","signed_transaction"} — Apple's signed
//     transaction, verified as Apple's library does (purchases/apple_signed_data.hpp), for a
//     product of purchases.products, not revoked, not expired, bound to the caller when it
//     names an appAccountToken. 201 a new grant, 200 the same one again, 409 another
//     account's purchase, 422 naming the reason of a refused proof.
//   GET /v1/entitlements — the caller's entitlements that hold now.
//   POST /v1/purchases/qr, GET /v1/purchases/qr/{code}[.svg|.png], POST
//     /v1/purchases/qr/{code}/redeem — the QR hand-off (purchases_qr.cpp).
//   POST /v1/purchases/apple/notifications {"signedPayload"} — App Store Server
//     Notifications V2, verified the same way (and the transaction inside), accepted once
//     by notificationUUID and answered at once; a job applies it (purchase_jobs.hpp).
// Grants reach the user's devices through the change log (sync, events).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "auth/authenticator.hpp"
#include "core/config_fwd.hpp"
#include "http/router.hpp"
#include "purchases/apple_signed_data.hpp"
#include "purchases/google_play.hpp"
#include "purchases/products.hpp"
#include "store/purchases.hpp"

namespace mindme::app {

void declare_purchases_config(core::ConfigSchema& schema);

class Purchases {
public:
    // Throws std::invalid_argument for a configuration that cannot work (Apple's bundle
    // id without a readable root certificate, a Production app without its appAppleId).
    // `google`: Google Play's API, or nullptr when Google Play purchases are off.
    Purchases(const core::Config& config, store::PurchaseStore& store, auth::Authenticator& auth,
              purchases::GooglePlay* google);
    void add_routes(http::Router& router);
    // Called after every grant (the events hub tails the change log).
    void on_change(std::function<void()> listener) { changed_ = std::move(listener); }
    const std::vector<purchases::Product>& products() const { return products_; }

private:
    boost::asio::awaitable<http::Response> buy(http::Request& req);
    boost::asio::awaitable<http::Response> list(http::Request& req);
    boost::asio::awaitable<http::Response> apple_notification(http::Request& req);
    // A store's proof of a purchase, as a request body holds it.
    struct Proof {
        std::string platform;            // ios | android
        std::string signed_transaction;  // ios
        std::string product_id;          // android
        std::string purchase_token;      // android
    };
    // What a proof grants: the entitlement (not yet recorded) and, for Google Play, the
    // acknowledgement job to enqueue with it.
    struct Proven {
        store::Entitlement entitlement;
        std::optional<store::OutboxJob> acknowledge;
    };
    // The proof in `body`, or the answer for a platform or store that is off (503) or a
    // body that is wrong (422).
    Proof proof_of(const boost::json::object& body) const;
    // The grant a proof makes for `user_id`, or the 422 naming why it is refused.
    // `token_required`: the purchase must name the user's app_account_token (a hand-off),
    // not merely not name another.
    boost::asio::awaitable<Proven> prove(const Proof& proof, const std::string& user_id,
                                         bool token_required, store::Deadline deadline);
    boost::asio::awaitable<Proven> apple_proof(const std::string& signed_transaction,
                                               const std::string& user_id, bool token_required,
                                               store::Deadline deadline);
    boost::asio::awaitable<Proven> google_proof(const Proof& proof, const std::string& user_id,
                                                bool token_required, store::Deadline deadline);
    // 422 wrong_account unless the purchase names `user_id`'s app_account_token (when it
    // names one, or when `token_required`).
    boost::asio::awaitable<void> check_account(const std::string& named, const std::string& user_id,
                                               bool token_required, store::Deadline deadline);
    void granted(const store::Entitlement& e, bool created);
    boost::asio::awaitable<http::Response> google_notification(http::Request& req);
    // The QR hand-off (purchases_qr.cpp).
    boost::asio::awaitable<http::Response> create_code(http::Request& req);
    boost::asio::awaitable<http::Response> show_code(http::Request& req);
    boost::asio::awaitable<http::Response> redeem_code(http::Request& req);
    void add_code_routes(http::Router& router);

    store::PurchaseStore& store_;
    auth::Authenticator& auth_;
    std::vector<purchases::Product> products_;
    std::optional<purchases::AppleSignedData> apple_;
    purchases::GooglePlay* google_;
    std::string google_notification_token_;
    std::string google_package_;
    std::chrono::seconds code_ttl_;
    std::string link_base_;
    std::function<void()> changed_;
};

}  // namespace mindme::app
