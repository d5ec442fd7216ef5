#include "app/purchases_routes.hpp"

#include <boost/json.hpp>

#include "app/json_body.hpp"
#include "app/openapi_doc.hpp"
#include "app/purchase_answers.hpp"
#include "app/route_table.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/json_fields.hpp"
#include "core/log.hpp"

namespace mindme::app {

namespace json = boost::json;
using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

purchases::AppleOptions apple_options(const core::Config& c) {
    purchases::AppleOptions o;
    for (const auto& path : c.get_list("purchases.apple.root_certs"))
        for (auto& der : purchases::load_root_certificates(path))
            o.root_certificates.push_back(std::move(der));
    o.bundle_id = c.get_string("purchases.apple.bundle_id");
    o.environment = c.get_string("purchases.apple.environment");
    if (auto id = c.get_int("purchases.apple.app_apple_id"); id > 0) o.app_apple_id = id;
    return o;
}

}  // namespace

Purchases::Purchases(const core::Config& config, store::PurchaseStore& store,
                     auth::Authenticator& auth, purchases::GooglePlay* google)
    : store_(store),
      auth_(auth),
      products_(purchases::parse_products(config.get_list("purchases.products"))),
      google_(google),
      google_notification_token_(config.get_string("purchases.google.notification_token")),
      google_package_(config.get_string("purchases.google.package_name")),
      code_ttl_(config.get_int("purchases.qr.ttl_seconds")),
      link_base_(config.get_string("purchases.qr.link_base")) {
    if (!config.get_string("purchases.apple.bundle_id").empty())
        apple_.emplace(apple_options(config));
}

Purchases::Proof Purchases::proof_of(const json::object& body) const {
    if (products_.empty())
        throw ApiError(ErrorCode::kUnavailable, "purchases are not configured on this server");
    Proof p;
    p.platform = require_string(body, "platform");
    if (p.platform == "ios") {
        if (!apple_)
            throw ApiError(ErrorCode::kUnavailable,
                           "App Store purchases are not configured on this server");
        p.signed_transaction = require_string(body, "signed_transaction");
        if (p.signed_transaction.size() > kMaxSignedTransactionBytes)
            throw ApiError(ErrorCode::kUnprocessable, "signed_transaction is too long");
        return p;
    }
    if (p.platform == "android") {
        if (!google_)
            throw ApiError(ErrorCode::kUnavailable,
                           "Google Play purchases are not configured on this server");
        p.product_id = require_string(body, "product_id");
        p.purchase_token = require_string(body, "purchase_token");
        if (p.purchase_token.empty() || p.purchase_token.size() > kMaxPurchaseTokenBytes)
            throw ApiError(ErrorCode::kUnprocessable, "purchase_token must be 1 to 4096 bytes");
        return p;
    }
    throw ApiError(ErrorCode::kUnprocessable, "platform must be ios or android");
}

boost::asio::awaitable<Purchases::Proven> Purchases::prove(const Proof& proof,
                                                           const std::string& user_id,
                                                           bool token_required,
                                                           store::Deadline deadline) {
    if (proof.platform == "ios")
        co_return co_await apple_proof(proof.signed_transaction, user_id, token_required, deadline);
    co_return co_await google_proof(proof, user_id, token_required, deadline);
}

boost::asio::awaitable<Response> Purchases::buy(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto proof = proof_of(parse_json_object(req));
    auto proven = co_await prove(proof, user.id, false, req.deadline);
    auto result =
        co_await store_.grant(std::move(proven.entitlement), req.deadline, proven.acknowledge);
    if (result.status == store::GrantStatus::kOtherAccount)
        throw ApiError(ErrorCode::kConflict, "this purchase belongs to another account");
    granted(result.entitlement, result.status == store::GrantStatus::kCreated);
    co_return entitlement_response(result.status == store::GrantStatus::kCreated ? 201 : 200,
                                   result.entitlement);
}

boost::asio::awaitable<Purchases::Proven> Purchases::apple_proof(
    const std::string& signed_transaction, const std::string& user_id, bool token_required,
    store::Deadline deadline) {
    json::object t;
    try {
        t = apple_->transaction(signed_transaction);
    } catch (const purchases::Rejected& e) {
        throw purchase_refused(e.reason(), e.what());
    }
    auto product_id = field_text(t, "productId");
    const auto* product = purchases::find_product(products_, product_id);
    if (!product)
        throw purchase_refused("unknown_product", "product " + product_id + " is not sold here");
    auto now = core::now_ms();
    if (t.contains("revocationDate"))
        throw purchase_refused("revoked", "the App Store revoked this transaction (refunded)");
    auto expires = core::json_int(t, "expiresDate");
    if (product->kind == "subscription" && (!expires || *expires <= now))
        throw purchase_refused("expired", "the subscription period of this transaction is over");
    auto named = field_text(t, "appAccountToken");
    co_await check_account(named, user_id, token_required, deadline);
    auto transaction_id = field_text(t, "transactionId");
    auto original = field_text(t, "originalTransactionId");
    if (transaction_id.empty() || original.empty())
        throw purchase_refused("invalid_payload", "the transaction has no transactionId");
    // A subscription renews under its original transaction; each consumable is its own.
    auto source = "ios:" + (product->kind == "consumable" ? transaction_id : original);
    co_return Proven{new_grant(*product, user_id, "ios", source,
                               product->kind == "subscription" ? expires : std::nullopt),
                     std::nullopt};
}

boost::asio::awaitable<void> Purchases::check_account(const std::string& named,
                                                      const std::string& user_id,
                                                      bool token_required,
                                                      store::Deadline deadline) {
    if (named.empty() && !token_required) co_return;
    auto uid = user_id;
    auto mine = co_await store_.app_account_token(std::move(uid), deadline);
    if (named != mine)
        throw purchase_refused("wrong_account",
                               token_required ? "the purchase must be made for the code's account "
                                                "(app_account_token)"
                                              : "the purchase was made for another account");
}

void Purchases::granted(const store::Entitlement& e, bool created) {
    if (changed_) changed_();
    core::log::info("purchase granted", core::log::Fields()
                                            .add("platform", e.platform)
                                            .add("product", e.product_id)
                                            .add("new", created));
}

boost::asio::awaitable<Response> Purchases::apple_notification(Request& req) {
    if (!apple_)
        throw ApiError(ErrorCode::kUnavailable,
                       "App Store purchases are not configured on this server");
    auto body = parse_json_object(req);
    auto signed_payload = require_string(body, "signedPayload");
    json::object notification, transaction;
    try {
        notification = apple_->notification(signed_payload);
        const auto* data = notification.if_contains("data");
        const auto* info = data && data->is_object()
                               ? data->as_object().if_contains("signedTransactionInfo")
                               : nullptr;
        if (info && info->is_string()) transaction = apple_->transaction(info->as_string());
    } catch (const purchases::Rejected& e) {
        throw purchase_refused(e.reason(), e.what());
    }
    auto id = field_text(notification, "notificationUUID");
    if (id.empty() || id.size() > 128)
        throw purchase_refused("invalid_payload", "the notification has no notificationUUID");
    auto type = field_text(notification, "notificationType");
    // The job carries what was verified here; a notification without a transaction
    // (TEST, a summary) has nothing to apply.
    if (!transaction.empty()) {
        json::object job{{"platform", "ios"},
                         {"type", type},
                         {"subtype", field_text(notification, "subtype")},
                         {"transaction", std::move(transaction)}};
        store::OutboxJob apply{store::kStoreNotificationTopic, json::serialize(job), 0};
        auto accepted =
            co_await store_.accept_notification(id, std::move(apply), core::now_ms(), req.deadline);
        core::log::info(
            "store notification",
            core::log::Fields().add("platform", "ios").add("type", type).add("new", accepted));
    }
    co_return Response::empty(200);  // at once: Apple retries what is not answered 2xx
}

boost::asio::awaitable<Response> Purchases::list(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto now = core::now_ms();
    auto held = co_await store_.active_entitlements(user.id, now, req.deadline);
    std::string body = "{\"items\":[";
    for (std::size_t i = 0; i < held.size(); ++i) {
        if (i) body += ',';
        body += store::entitlement_json(held[i], now);
    }
    body += "]}";
    auto r = Response::json(200, std::move(body));
    r.set_header("Cache-Control", "no-store");
    co_return r;
}

void Purchases::add_routes(http::Router& router) {
    using namespace doc;
    json::value entitlement{
        {"type", "object"},
        {"required", json::array{"id", "entitlement", "product_id", "kind", "platform",
                                 "granted_at", "active"}},
        {"properties",
         {{"id", {{"type", "string"}}},
          {"entitlement", {{"type", "string"}, {"description", "What it unlocks."}}},
          {"product_id", {{"type", "string"}}},
          {"kind",
           {{"type", "string"},
            {"enum", json::array{"consumable", "non-consumable", "subscription"}}}},
          {"platform", {{"type", "string"}, {"enum", json::array{"ios", "android"}}}},
          {"granted_at", {{"type", "string"}, {"format", "date-time"}}},
          {"expires_at", {{"type", "string"}, {"format", "date-time"}}},
          {"revoked_at", {{"type", "string"}, {"format", "date-time"}}},
          {"active", {{"type", "boolean"}}}}}};
    json::value granted{{"type", "object"}, {"properties", {{"entitlement", entitlement}}}};
    auto proof = json_request(
        {{"type", "object"},
         {"required", json::array{"platform"}},
         {"properties",
          {{"platform", {{"type", "string"}, {"enum", json::array{"ios", "android"}}}},
           {"signed_transaction",
            {{"type", "string"},
             {"description", "ios: the JWS the App Store gave the app (StoreKit 2)."}}},
           {"product_id", {{"type", "string"}}},
           {"purchase_token", {{"type", "string"}}}}}});
    json::value items{{"type", "object"},
                      {"properties", {{"items", {{"type", "array"}, {"items", entitlement}}}}}};
    add_route_table(
        router,
        {"purchases",
         true,
         {{"POST",
           "/v1/purchases",
           [this](Request& r) { return buy(r); },
           {"Record a store purchase and grant its entitlement",
            {{"description",
              "The store's proof is verified (Apple's signature and certificate chain); the "
              "client's word is never taken. One store purchase grants once."},
             {"requestBody", proof}},
            {{"200", with_body("Granted before to this account: the grant as it is", granted)},
             {"201", with_body("Granted", granted)},
             {"409", described("The purchase belongs to another account")},
             {"422", described("The proof was refused; the message names the reason")},
             {"503", described("Purchases (or this store) are not configured")}}}},
          {"GET",
           "/v1/entitlements",
           [this](Request& r) { return list(r); },
           {"The caller's entitlements that hold now",
            {},
            {{"200", with_body("The entitlements", items)}}}}}});
    add_code_routes(router);
    // The stores call this one; their signatures are the credentials.
    auto signed_payload = json_request({{"type", "object"},
                                        {"required", json::array{"signedPayload"}},
                                        {"properties", {{"signedPayload", {{"type", "string"}}}}}});
    add_route_table(
        router,
        {"purchases",
         false,
         {{"POST",
           "/v1/purchases/apple/notifications",
           [this](Request& r) { return apple_notification(r); },
           {"App Store Server Notifications V2 (called by Apple)",
            {{"description",
              "The signed payload is verified as a transaction is; each notificationUUID is "
              "applied once, by a job (refunds and revocations revoke, renewals extend)."},
             {"requestBody", signed_payload}},
            {{"200", described("Accepted (or seen before)")},
             {"422", described("The payload was refused; the message names the reason")},
             {"503", described("App Store purchases are not configured")}}}},
          {"POST",
           "/v1/purchases/google/notifications",
           [this](Request& r) { return google_notification(r); },
           {"Google Play real-time developer notifications (a Pub/Sub push)",
            {{"description",
              "Called by Pub/Sub with ?token=<purchases.google.notification_token>. Each "
              "messageId is applied once, by a job that reads the purchase from Google "
              "again."},
             {"parameters",
              json::array{query_param("token", "The shared secret of the push subscription.",
                                      {{"type", "string"}})}},
             {"requestBody", json_request({{"type", "object"},
                                           {"required", json::array{"message"}},
                                           {"properties", {{"message", {{"type", "object"}}}}}})}},
            {{"204", described("Accepted (or seen before, or a test notification)")},
             {"403", described("The token is not this server's")},
             {"422", described("Not a Pub/Sub push of a Play notification")},
             {"503", described("Google Play notifications are not configured")}}}}}});
}

}  // namespace mindme::app
