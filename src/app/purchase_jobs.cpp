#include "app/purchase_jobs.hpp"

#include <boost/json.hpp>

#include "app/purchase_answers.hpp"
#include "core/clock.hpp"
#include "core/json_fields.hpp"
#include "core/log.hpp"
#include "upstream/http_client.hpp"

namespace mindme::app {

namespace json = boost::json;

namespace {

constexpr std::chrono::seconds kStoreTimeout{10};
constexpr std::chrono::seconds kGoogleTimeout{30};
// Play's subscription notification types (RTDN): SUBSCRIPTION_REVOKED.
constexpr std::int64_t kPlaySubscriptionRevoked = 12;
// Play's one-time product notification types: ONE_TIME_PRODUCT_CANCELED.
constexpr std::int64_t kPlayProductCanceled = 2;

store::Deadline store_deadline() { return std::chrono::steady_clock::now() + kStoreTimeout; }

bool one_of(const std::string& type, std::initializer_list<const char*> types) {
    for (const char* t : types)
        if (type == t) return true;
    return false;
}

[[noreturn]] void unreadable(const queue::Job& job) {
    throw queue::JobFailed("not a store notification: " + job.payload.substr(0, 200),
                           queue::RetryHint{std::chrono::milliseconds(0), true});
}

// A Google refusal that retrying cannot change (an unknown or expired token) ends the job;
// anything else (5xx, 429, no answer) is retried with the queue's backoff.
[[noreturn]] void google_failed(const purchases::GooglePlayError& e) {
    if (e.status() == 400 || e.status() == 404 || e.status() == 410)
        throw queue::JobFailed(std::string("Google Play: ") + e.what(),
                               queue::RetryHint{std::chrono::milliseconds(0), true});
    throw std::runtime_error(std::string("Google Play: ") + e.what());
}

// A grant to the account a purchase names (bought elsewhere, renewed while the app
// slept); nothing when it names none of ours.
boost::asio::awaitable<std::optional<store::Entitlement>> grant_to_named(
    store::PurchaseStore& store, const purchases::Product& product, std::string account_token,
    std::string platform, std::string source, std::optional<std::int64_t> expires,
    std::optional<store::OutboxJob> then) {
    if (account_token.empty()) co_return std::nullopt;
    auto user =
        co_await store.user_by_app_account_token(std::move(account_token), store_deadline());
    if (!user) co_return std::nullopt;
    auto e = new_grant(product, *user, platform, source, expires);
    co_return (co_await store.grant(std::move(e), store_deadline(), std::move(then))).entitlement;
}

boost::asio::awaitable<std::optional<store::Entitlement>> apply_apple(
    store::PurchaseStore& store, const std::vector<purchases::Product>& products,
    const json::object& n) {
    const auto* t = n.if_contains("transaction");
    if (!t || !t->is_object()) co_return std::nullopt;
    const auto& transaction = t->as_object();
    auto type = field_text(n, "type");
    const auto* product = purchases::find_product(products, field_text(transaction, "productId"));
    if (!product) co_return std::nullopt;
    auto source =
        "ios:" + field_text(transaction, product->kind == "consumable" ? "transactionId"
                                                                       : "originalTransactionId");
    auto now = core::now_ms();
    if (one_of(type, {"REFUND", "REVOKE"})) {
        auto revoked = core::json_int(transaction, "revocationDate").value_or(now);
        co_return co_await store.update(source, std::nullopt, revoked, now, store_deadline());
    }
    auto expires = core::json_int(transaction, "expiresDate");
    if (!expires || !one_of(type, {"SUBSCRIBED", "DID_RENEW", "DID_RECOVER", "OFFER_REDEEMED",
                                   "RENEWAL_EXTENDED", "EXPIRED", "GRACE_PERIOD_EXPIRED"}))
        co_return std::nullopt;
    auto changed = co_await store.update(source, expires, std::nullopt, now, store_deadline());
    if (!changed && *expires > now && !transaction.contains("revocationDate")) {
        std::optional<store::OutboxJob> none;  // named: GCC 12 and temporaries in co_await
        auto named = field_text(transaction, "appAccountToken");
        changed = co_await grant_to_named(store, *product, std::move(named), "ios", source, expires,
                                          std::move(none));
    }
    co_return changed;
}

boost::asio::awaitable<std::optional<store::Entitlement>> apply_google(
    store::PurchaseStore& store, const std::vector<purchases::Product>& products,
    purchases::GooglePlay* play, const json::object& n) {
    auto token = field_text(n, "token");
    auto kind = field_text(n, "kind");
    auto type = core::json_int(n, "type").value_or(0);
    auto source = google_source(token);
    auto now = core::now_ms();
    if (kind == "voided" || (kind == "product" && type == kPlayProductCanceled))
        co_return co_await store.update(source, std::nullopt, now, now, store_deadline());
    if (!play) throw std::runtime_error("Google Play is not configured in this worker");
    auto deadline = std::chrono::steady_clock::now() + kGoogleTimeout;
    try {
        if (kind == "subscription") {
            // The notification only says that something changed: Google says what.
            auto s = co_await play->subscription(token, deadline);
            auto expires = purchases::subscription_expiry(s);
            std::optional<std::int64_t> revoked;
            if (type == kPlaySubscriptionRevoked) revoked = now;
            auto changed = co_await store.update(source, expires, revoked, now, store_deadline());
            const purchases::Product* product = nullptr;
            if (const auto* items = s.if_contains("lineItems"); items && items->is_array())
                for (const auto& item : items->as_array())
                    if (item.is_object() && !product)
                        product = purchases::find_product(
                            products, field_text(item.as_object(), "productId"));
            auto state = field_text(s, "subscriptionState");
            if (!changed && product && !revoked && expires && *expires > now &&
                (state == "SUBSCRIPTION_STATE_ACTIVE" ||
                 state == "SUBSCRIPTION_STATE_IN_GRACE_PERIOD")) {
                const auto* ids = s.if_contains("externalAccountIdentifiers");
                auto account = ids && ids->is_object()
                                   ? field_text(ids->as_object(), "obfuscatedExternalAccountId")
                                   : std::string();
                std::optional<store::OutboxJob> ack;
                if (field_text(s, "acknowledgementState") != "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED")
                    ack = acknowledge_job(*product, token);
                changed = co_await grant_to_named(store, *product, account, "android", source,
                                                  expires, std::move(ack));
            }
            co_return changed;
        }
        // A one-time product bought outside the app's sight: granted to the account it names.
        const auto* product = purchases::find_product(products, field_text(n, "product_id"));
        if (!product) co_return std::nullopt;
        auto p = co_await play->product(product->id, token, deadline);
        if (core::json_int(p, "purchaseState").value_or(1) != 0) co_return std::nullopt;
        std::optional<store::OutboxJob> ack;
        if (core::json_int(p, "acknowledgementState").value_or(0) != 1)
            ack = acknowledge_job(*product, token);
        auto named = field_text(p, "obfuscatedExternalAccountId");
        std::optional<std::int64_t> no_expiry;
        co_return co_await grant_to_named(store, *product, std::move(named), "android", source,
                                          no_expiry, std::move(ack));
    } catch (const purchases::GooglePlayError& e) {
        google_failed(e);
    }
}

}  // namespace

queue::JobHandler store_notification_applier(store::PurchaseStore& store,
                                             std::vector<purchases::Product> products,
                                             purchases::GooglePlay* play) {
    return [&store, products = std::move(products),
            play](const queue::Job& job) -> boost::asio::awaitable<void> {
        boost::system::error_code ec;
        auto parsed = json::parse(job.payload, ec);
        if (ec || !parsed.is_object()) unreadable(job);
        const auto& n = parsed.as_object();
        auto platform = field_text(n, "platform");
        std::optional<store::Entitlement> changed;
        if (platform == "ios") {
            changed = co_await apply_apple(store, products, n);
        } else if (platform == "android") {
            changed = co_await apply_google(store, products, play, n);
        } else {
            unreadable(job);
        }
        core::log::info("store notification applied", core::log::Fields()
                                                          .add("platform", platform)
                                                          .add("type", field_text(n, "type"))
                                                          .add("changed", changed.has_value()));
    };
}

queue::JobHandler google_acknowledger(purchases::GooglePlay& play) {
    return [&play](const queue::Job& job) -> boost::asio::awaitable<void> {
        boost::system::error_code ec;
        auto parsed = json::parse(job.payload, ec);
        if (ec || !parsed.is_object()) unreadable(job);
        const auto& a = parsed.as_object();
        auto kind = field_text(a, "kind");
        auto product_id = field_text(a, "product_id");
        auto token = field_text(a, "token");
        auto deadline = std::chrono::steady_clock::now() + kGoogleTimeout;
        try {
            // Read first: an acknowledgement already made (a retry after a lost answer)
            // is not made twice.
            if (kind == "subscription") {
                auto s = co_await play.subscription(token, deadline);
                if (field_text(s, "acknowledgementState") == "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED")
                    co_return;
                co_await play.acknowledge_subscription(product_id, token, deadline);
            } else {
                auto p = co_await play.product(product_id, token, deadline);
                if (kind == "consumable") {
                    if (core::json_int(p, "consumptionState").value_or(0) == 1) co_return;
                    co_await play.consume(product_id, token, deadline);
                } else {
                    if (core::json_int(p, "acknowledgementState").value_or(0) == 1) co_return;
                    co_await play.acknowledge_product(product_id, token, deadline);
                }
            }
        } catch (const purchases::GooglePlayError& e) {
            google_failed(e);
        }
        core::log::info("Google Play purchase acknowledged",
                        core::log::Fields().add("product", product_id).add("kind", kind));
    };
}

}  // namespace mindme::app
