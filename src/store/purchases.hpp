#pragma once
// What users bought, whatever SQL backend holds it: each store purchase (an App Store
// original transaction, a Google Play purchase token) grants an entitlement to one account,
// once; the store's later word (a renewal, a refund) updates that grant. Every grant and
// update goes into the user's change log ("entitlement.changed"), so /v1/sync and the
// events sockets carry it to every device. Each account also has its app_account_token,
// the UUID the apps hand the stores so that a purchase names its account.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/accounts.hpp"
#include "store/outbox.hpp"

namespace mindme::store {

class SqlDatabase;

inline constexpr const char* kEntitlementChange = "entitlement.changed";
// The job that applies a store notification (its payload: the verified notification).
inline constexpr const char* kStoreNotificationTopic = "purchases.notification";

struct Entitlement {
    std::string id;
    std::string user_id;
    std::string entitlement;  // what it unlocks, from the product's configuration
    std::string product_id;
    std::string kind;      // consumable | non-consumable | subscription
    std::string platform;  // ios | android
    std::string source;    // the store's purchase: "ios:<originalTransactionId>", ...
    std::int64_t granted_at_ms = 0;
    std::int64_t updated_at_ms = 0;
    std::optional<std::int64_t> expires_at_ms;  // subscriptions
    std::optional<std::int64_t> revoked_at_ms;  // refunded or revoked
};

// Whether the entitlement holds at `now_ms`.
bool active(const Entitlement& e, std::int64_t now_ms);
// The entitlement as the API shows it (the change log keeps it so):
// {"id","entitlement","product_id","kind","platform","granted_at","expires_at"?,
//  "revoked_at"?,"active"}.
std::string entitlement_json(const Entitlement& e, std::int64_t now_ms);

enum class GrantStatus {
    kCreated,       // a new grant
    kExisting,      // this account had it already (a replay): the grant as it is now
    kOtherAccount,  // the purchase is another account's
};

struct GrantResult {
    GrantStatus status = GrantStatus::kCreated;
    Entitlement entitlement;
};

// A QR hand-off code, by the SHA-256 of the code (the code itself is never stored).
struct PurchaseCode {
    std::string code_hash;
    std::string user_id;  // whose account the purchase is for
    std::string product_id;
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
    std::optional<std::int64_t> redeemed_at_ms;
};

enum class RedeemStatus {
    kGranted,  // the code is used now and its owner holds the grant
    kUnknown,  // no such code
    kExpired,
    kUsed,          // redeemed before (or by a concurrent redeem that won)
    kOtherAccount,  // the purchase is another account's: the code stays unused
};

struct RedeemResult {
    RedeemStatus status = RedeemStatus::kGranted;
    Entitlement entitlement;  // kGranted: the grant; kOtherAccount: the other one's
    bool created = false;     // kGranted: a new grant (not one the owner had)
};

class PurchaseStore {
public:
    virtual ~PurchaseStore() = default;

    // The account's app_account_token: assigned on first use, the same ever after.
    virtual boost::asio::awaitable<std::string> app_account_token(std::string user_id,
                                                                  Deadline deadline) = 0;
    // The account whose app_account_token this is.
    virtual boost::asio::awaitable<std::optional<std::string>> user_by_app_account_token(
        std::string token, Deadline deadline) = 0;

    // Grants `e` (its id, user, source...) unless its source was granted before. A replay
    // by the same account that brings a later expiry extends the grant (a renewal).
    // `then`: a job enqueued in the same transaction unless the purchase is another
    // account's (Google Play's acknowledgement: never lost, never for a refused grant).
    virtual boost::asio::awaitable<GrantResult> grant(Entitlement e, Deadline deadline,
                                                      std::optional<OutboxJob> then) = 0;
    boost::asio::awaitable<GrantResult> grant(Entitlement e, Deadline deadline) {
        std::optional<OutboxJob> none;  // named: GCC 12 and temporaries in co_await
        co_return co_await grant(std::move(e), deadline, std::move(none));
    }

    // The store's later word on a purchase: a new expiry and/or a revocation. The grant as
    // it is then, or nullopt when no grant has that source.
    virtual boost::asio::awaitable<std::optional<Entitlement>> update(
        std::string source, std::optional<std::int64_t> expires_at_ms,
        std::optional<std::int64_t> revoked_at_ms, std::int64_t now_ms, Deadline deadline) = 0;

    // The user's grants that hold at `now_ms`, newest first.
    virtual boost::asio::awaitable<std::vector<Entitlement>> active_entitlements(
        std::string user_id, std::int64_t now_ms, Deadline deadline) = 0;

    virtual boost::asio::awaitable<void> create_code(PurchaseCode code, Deadline deadline) = 0;
    virtual boost::asio::awaitable<std::optional<PurchaseCode>> find_code(std::string code_hash,
                                                                          Deadline deadline) = 0;
    // Marks the code used and grants `e` to the code's owner, in one transaction: of
    // concurrent redeems exactly one wins.
    virtual boost::asio::awaitable<RedeemResult> redeem_code(std::string code_hash, Entitlement e,
                                                             std::int64_t now_ms, Deadline deadline,
                                                             std::optional<OutboxJob> then) = 0;
    boost::asio::awaitable<RedeemResult> redeem_code(std::string code_hash, Entitlement e,
                                                     std::int64_t now_ms, Deadline deadline) {
        std::optional<OutboxJob> none;
        co_return co_await redeem_code(std::move(code_hash), std::move(e), now_ms, deadline,
                                       std::move(none));
    }

    // Records a store notification's id and, in the same transaction, the job that applies
    // it (so it is applied once, and never lost); false when the id was recorded before
    // (a redelivery: no job).
    virtual boost::asio::awaitable<bool> accept_notification(std::string id, OutboxJob job,
                                                             std::int64_t now_ms,
                                                             Deadline deadline) = 0;
};

std::unique_ptr<PurchaseStore> make_sql_purchase_store(SqlDatabase& db);

}  // namespace mindme::store
