#include "app/purchase_jobs.hpp"

#include <boost/json.hpp>

#include "app/purchase_answers.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

namespace mindme::app {

namespace json = boost::json;

namespace {

constexpr std::chrono::seconds kStoreTimeout{10};
constexpr std::size_t kGrantIdBytes = 16;

bool one_of(const std::string& type, std::initializer_list<const char*> types) {
    for (const char* t : types)
        if (type == t) return true;
    return false;
}

}  // namespace

queue::JobHandler store_notification_applier(store::PurchaseStore& store,
                                             std::vector<purchases::Product> products) {
    return [&store,
            products = std::move(products)](const queue::Job& job) -> boost::asio::awaitable<void> {
        boost::system::error_code ec;
        auto parsed = json::parse(job.payload, ec);
        const json::value* t =
            !ec && parsed.is_object() ? parsed.as_object().if_contains("transaction") : nullptr;
        if (!t || !t->is_object())
            throw queue::JobFailed("not a store notification: " + job.payload.substr(0, 200),
                                   queue::RetryHint{std::chrono::milliseconds(0), true});
        const auto& n = parsed.as_object();
        const auto& transaction = t->as_object();
        auto type = field_text(n, "type");
        const auto* product =
            purchases::find_product(products, field_text(transaction, "productId"));
        if (!product) {
            core::log::info("store notification for a product not sold here",
                            core::log::Fields()
                                .add("type", type)
                                .add("product", field_text(transaction, "productId")));
            co_return;
        }
        auto source = "ios:" + field_text(transaction, product->kind == "consumable"
                                                           ? "transactionId"
                                                           : "originalTransactionId");
        auto now = core::now_ms();
        auto deadline = std::chrono::steady_clock::now() + kStoreTimeout;
        std::optional<store::Entitlement> changed;
        if (one_of(type, {"REFUND", "REVOKE"})) {
            auto revoked = field_millis(transaction, "revocationDate").value_or(now);
            changed = co_await store.update(source, std::nullopt, revoked, now, deadline);
        } else if (auto expires = field_millis(transaction, "expiresDate");
                   expires &&
                   one_of(type, {"SUBSCRIBED", "DID_RENEW", "DID_RECOVER", "OFFER_REDEEMED",
                                 "RENEWAL_EXTENDED", "EXPIRED", "GRACE_PERIOD_EXPIRED"})) {
            changed = co_await store.update(source, expires, std::nullopt, now, deadline);
            // A subscription the app never reported (bought on another device, renewed
            // while the app slept): granted to the account its transaction names.
            auto token = field_text(transaction, "appAccountToken");
            if (!changed && !token.empty() && *expires > now &&
                !transaction.contains("revocationDate")) {
                if (auto user = co_await store.user_by_app_account_token(token, deadline)) {
                    store::Entitlement e;
                    e.id = core::random_id(kGrantIdBytes);
                    e.user_id = *user;
                    e.entitlement = product->entitlement;
                    e.product_id = product->id;
                    e.kind = product->kind;
                    e.platform = "ios";
                    e.source = source;
                    e.granted_at_ms = now;
                    e.updated_at_ms = now;
                    e.expires_at_ms = expires;
                    changed = (co_await store.grant(std::move(e), deadline)).entitlement;
                }
            }
        }
        core::log::info("store notification applied", core::log::Fields()
                                                          .add("type", type)
                                                          .add("product", product->id)
                                                          .add("changed", changed.has_value()));
    };
}

}  // namespace mindme::app
