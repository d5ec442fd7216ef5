#pragma once
// Google Play's Android Publisher API (v3), through a service account with the
// androidpublisher scope: a purchase is read from Google, never taken from the client —
// a one-time product (purchases.products.get) or a subscription
// (purchases.subscriptionsv2.get) — and then acknowledged or consumed, which Google
// requires within three days or it refunds the purchase.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "upstream/google_credentials.hpp"

namespace mindme::purchases {

inline constexpr const char* kAndroidPublisherScope =
    "https://www.googleapis.com/auth/androidpublisher";

// Google answered, and not with the purchase: `status` 404/410 (no such token, or an old
// one), 400, 401/403 (the service account lacks access)...
class GooglePlayError : public std::runtime_error {
public:
    GooglePlayError(int status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

struct GooglePlayOptions {
    std::string base_url = "https://androidpublisher.googleapis.com";
    std::string package_name;
};

class GooglePlay {
public:
    GooglePlay(upstream::GoogleAccessTokens& tokens, GooglePlayOptions options);

    // ProductPurchase (purchaseState, consumptionState, acknowledgementState,
    // obfuscatedExternalAccountId, orderId...). Throws GooglePlayError or UpstreamError.
    boost::asio::awaitable<boost::json::object> product(std::string product_id, std::string token,
                                                        upstream::Clock::time_point deadline);
    // SubscriptionPurchaseV2 (subscriptionState, lineItems[]{productId, expiryTime},
    // acknowledgementState, externalAccountIdentifiers...).
    boost::asio::awaitable<boost::json::object> subscription(std::string token,
                                                             upstream::Clock::time_point deadline);
    // Acknowledges a one-time product or a subscription, or consumes a consumable (which
    // acknowledges it too).
    boost::asio::awaitable<void> acknowledge_product(std::string product_id, std::string token,
                                                     upstream::Clock::time_point deadline);
    boost::asio::awaitable<void> consume(std::string product_id, std::string token,
                                         upstream::Clock::time_point deadline);
    boost::asio::awaitable<void> acknowledge_subscription(std::string subscription_id,
                                                          std::string token,
                                                          upstream::Clock::time_point deadline);

private:
    boost::asio::awaitable<upstream::ClientResponse> call(std::string method, std::string path,
                                                          upstream::Clock::time_point deadline);
    upstream::GoogleAccessTokens& tokens_;
    GooglePlayOptions options_;
};

// A subscription's expiry: the latest lineItems[].expiryTime (RFC 3339) in ms, if any.
std::optional<std::int64_t> subscription_expiry(const boost::json::object& subscription);

}  // namespace mindme::purchases
