// Google Play purchases: the client's word (product id, purchase token) is only a key —
// the purchase is read from Google's Android Publisher API and checked there (state,
// product, expiry, the account it names); the acknowledgement Google requires within three
// days is a job enqueued with the grant. Real-time developer notifications arrive as
// Pub/Sub pushes, checked by a shared secret, and are applied by a job that reads the
// purchase from Google again.
#include <boost/json.hpp>

#include "app/json_body.hpp"
#include "app/purchase_answers.hpp"
#include "app/purchases_routes.hpp"
#include "core/base64.hpp"
#include "core/clock.hpp"
#include "core/digest.hpp"
#include "core/json_fields.hpp"
#include "core/log.hpp"
#include "upstream/http_client.hpp"

namespace mindme::app {

namespace json = boost::json;
using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

// Whether Google says the subscription entitles its owner now: active, in its grace
// period, or cancelled (auto-renew off) with time left.
bool entitled(const std::string& state) {
    return state == "SUBSCRIPTION_STATE_ACTIVE" || state == "SUBSCRIPTION_STATE_IN_GRACE_PERIOD" ||
           state == "SUBSCRIPTION_STATE_CANCELED";
}

bool has_line_item(const json::object& subscription, const std::string& product_id) {
    const auto* items = subscription.if_contains("lineItems");
    if (!items || !items->is_array()) return false;
    for (const auto& item : items->as_array())
        if (item.is_object() && field_text(item.as_object(), "productId") == product_id)
            return true;
    return false;
}

std::string subscription_account(const json::object& subscription) {
    const auto* ids = subscription.if_contains("externalAccountIdentifiers");
    return ids && ids->is_object() ? field_text(ids->as_object(), "obfuscatedExternalAccountId")
                                   : std::string();
}

}  // namespace

boost::asio::awaitable<Purchases::Proven> Purchases::google_proof(const Proof& proof,
                                                                  const std::string& user_id,
                                                                  bool token_required,
                                                                  store::Deadline deadline) {
    const auto* product = purchases::find_product(products_, proof.product_id);
    if (!product)
        throw purchase_refused("unknown_product",
                               "product " + proof.product_id + " is not sold here");
    json::object purchase;
    try {
        if (product->kind == "subscription") {
            purchase = co_await google_->subscription(proof.purchase_token, deadline);
        } else {
            purchase = co_await google_->product(proof.product_id, proof.purchase_token, deadline);
        }
    } catch (const purchases::GooglePlayError& e) {
        if (e.status() == 400 || e.status() == 404 || e.status() == 410)
            throw purchase_refused("unknown_purchase",
                                   "Google Play does not know this purchase token for the "
                                   "product");
        core::log::warn("Google Play refused a purchase check",
                        core::log::Fields().add("status", e.status()).add("error", e.what()));
        throw ApiError(
            e.status() >= 500 || e.status() == 429 ? ErrorCode::kUnavailable : ErrorCode::kInternal,
            "Google Play cannot check purchases now; retry shortly", 5);
    } catch (const upstream::UpstreamError& e) {
        core::log::warn("Google Play unreachable", core::log::Fields().add("error", e.what()));
        throw ApiError(ErrorCode::kUnavailable,
                       "Google Play cannot be reached to check the purchase; retry shortly", 5);
    }
    std::optional<std::int64_t> expires;
    bool acknowledged = false;
    std::string account;
    if (product->kind == "subscription") {
        auto state = field_text(purchase, "subscriptionState");
        if (state == "SUBSCRIPTION_STATE_PENDING")
            throw purchase_refused("pending", "the payment is still pending");
        if (!has_line_item(purchase, product->id))
            throw purchase_refused("wrong_product", "the purchase is not of " + product->id);
        expires = purchases::subscription_expiry(purchase);
        if (!entitled(state) || !expires || *expires <= core::now_ms())
            throw purchase_refused("expired", "the subscription is not active (" + state + ")");
        acknowledged =
            field_text(purchase, "acknowledgementState") == "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED";
        account = subscription_account(purchase);
    } else {
        // purchaseState: 0 purchased, 1 canceled, 2 pending.
        auto state = core::json_int(purchase, "purchaseState").value_or(0);
        if (state == 2) throw purchase_refused("pending", "the payment is still pending");
        if (state != 0) throw purchase_refused("revoked", "the purchase was canceled or refunded");
        acknowledged = core::json_int(purchase, "acknowledgementState").value_or(0) == 1;
        account = field_text(purchase, "obfuscatedExternalAccountId");
    }
    co_await check_account(account, user_id, token_required, deadline);
    Proven proven{
        new_grant(*product, user_id, "android", google_source(proof.purchase_token), expires),
        std::nullopt};
    if (!acknowledged) proven.acknowledge = acknowledge_job(*product, proof.purchase_token);
    co_return proven;
}

boost::asio::awaitable<Response> Purchases::google_notification(Request& req) {
    if (!google_ || google_notification_token_.empty())
        throw ApiError(ErrorCode::kUnavailable,
                       "Google Play notifications are not configured on this server");
    auto given = req.query_param("token").value_or("");
    if (!core::same_secret(given, google_notification_token_))
        throw ApiError(ErrorCode::kForbidden, "the notification's token is not this server's");
    auto body = parse_json_object(req);
    const auto* message = body.if_contains("message");
    if (!message || !message->is_object())
        throw ApiError(ErrorCode::kUnprocessable, "a Pub/Sub push body has a message");
    const auto& m = message->as_object();
    auto id = field_text(m, "messageId");
    auto data = core::base64_decode(field_text(m, "data"));
    boost::system::error_code ec;
    auto parsed = data ? json::parse(*data, ec) : json::value();
    if (id.empty() || id.size() > 120 || !data || ec || !parsed.is_object())
        throw ApiError(ErrorCode::kUnprocessable,
                       "the message needs a messageId and base64 JSON data");
    const auto& n = parsed.as_object();
    if (auto package = field_text(n, "packageName"); package != google_package_)
        throw ApiError(ErrorCode::kUnprocessable,
                       "the notification is for another app (" + package + ")");
    json::object job{{"platform", "android"}};
    if (const auto* s = n.if_contains("subscriptionNotification"); s && s->is_object()) {
        job["kind"] = "subscription";
        job["type"] = core::json_int(s->as_object(), "notificationType").value_or(0);
        job["token"] = field_text(s->as_object(), "purchaseToken");
    } else if (const auto* o = n.if_contains("oneTimeProductNotification"); o && o->is_object()) {
        job["kind"] = "product";
        job["type"] = core::json_int(o->as_object(), "notificationType").value_or(0);
        job["token"] = field_text(o->as_object(), "purchaseToken");
        job["product_id"] = field_text(o->as_object(), "sku");
    } else if (const auto* v = n.if_contains("voidedPurchaseNotification"); v && v->is_object()) {
        job["kind"] = "voided";
        job["token"] = field_text(v->as_object(), "purchaseToken");
    } else {
        co_return Response::empty(204);  // a test notification: nothing to apply
    }
    if (job.at("token").as_string().empty())
        throw ApiError(ErrorCode::kUnprocessable, "the notification names no purchaseToken");
    store::OutboxJob apply{store::kStoreNotificationTopic, json::serialize(job), 0};
    auto accepted = co_await store_.accept_notification("play:" + id, std::move(apply),
                                                        core::now_ms(), req.deadline);
    core::log::info("store notification",
                    core::log::Fields().add("platform", "android").add("new", accepted));
    co_return Response::empty(204);
}

}  // namespace mindme::app
