// PurchaseStore on SqlDatabase, in SQL that every backend accepts.
#include <soci/soci.h>

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "store/change_log.hpp"
#include "store/outbox.hpp"
#include "store/purchases.hpp"
#include "store/sql_database.hpp"
#include "store/sql_statements.hpp"

namespace mindme::store {
namespace {

using detail::affected;
using detail::statement;

constexpr const char* kColumns =
    "SELECT id, user_id, entitlement, product_id, kind, platform, source, granted_at, "
    "updated_at, expires_at, revoked_at FROM entitlements ";

// Binds a row of kColumns; take() turns it into an Entitlement.
struct Row {
    Entitlement e;
    std::int64_t expires = 0, revoked = 0;
    soci::indicator expires_ind = soci::i_null, revoked_ind = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(e.id));
        st.exchange(soci::into(e.user_id));
        st.exchange(soci::into(e.entitlement));
        st.exchange(soci::into(e.product_id));
        st.exchange(soci::into(e.kind));
        st.exchange(soci::into(e.platform));
        st.exchange(soci::into(e.source));
        st.exchange(soci::into(e.granted_at_ms));
        st.exchange(soci::into(e.updated_at_ms));
        st.exchange(soci::into(expires, expires_ind));
        st.exchange(soci::into(revoked, revoked_ind));
    }
    Entitlement take() const {
        auto out = e;
        out.expires_at_ms =
            expires_ind == soci::i_ok ? std::optional<std::int64_t>(expires) : std::nullopt;
        out.revoked_at_ms =
            revoked_ind == soci::i_ok ? std::optional<std::int64_t>(revoked) : std::nullopt;
        return out;
    }
};

std::vector<Entitlement> read(soci::session& s, const std::string& where, const std::string& a) {
    Row row;
    soci::statement st(s);
    row.bind(st);
    st.exchange(soci::use(a));
    detail::prepare(st, std::string(kColumns) + where);
    std::vector<Entitlement> out;
    if (st.execute(true)) {
        do {
            out.push_back(row.take());
        } while (st.fetch());
    }
    return out;
}

// The change every device hears of: the entitlement as it is now.
void log_change(soci::session& s, const Entitlement& e, std::int64_t now_ms) {
    auto snapshot = entitlement_json(e, now_ms);
    detail::append_change(s, e.user_id, kEntitlementChange, e.id, now_ms, &snapshot);
}

void write_dates(soci::session& s, const Entitlement& e) {
    std::int64_t expires = e.expires_at_ms.value_or(0), revoked = e.revoked_at_ms.value_or(0);
    soci::indicator expires_ind = e.expires_at_ms ? soci::i_ok : soci::i_null;
    soci::indicator revoked_ind = e.revoked_at_ms ? soci::i_ok : soci::i_null;
    auto st = statement(s,
                        "UPDATE entitlements SET expires_at = :e, revoked_at = :r, updated_at = :u "
                        "WHERE id = :i",
                        soci::use(expires, expires_ind), soci::use(revoked, revoked_ind),
                        soci::use(e.updated_at_ms), soci::use(e.id));
    affected(st);
}

class SqlPurchaseStore final : public PurchaseStore {
public:
    explicit SqlPurchaseStore(SqlDatabase& db) : db_(db) {}

    boost::asio::awaitable<std::string> app_account_token(std::string user_id,
                                                          Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                auto read = [&]() -> std::optional<std::string> {
                    std::string token;
                    soci::indicator ind = soci::i_null;
                    s << "SELECT app_account_token FROM users WHERE id = :u", soci::use(user_id),
                        soci::into(token, ind);
                    if (!s.got_data()) throw std::runtime_error("purchases: no user " + user_id);
                    if (ind != soci::i_ok) return std::nullopt;
                    return token;
                };
                // Every GET /v1/me asks: a read, and a write only the first time.
                if (auto token = read()) return *token;
                // Two first uses at once: one UPDATE wins, both read its token.
                auto fresh = core::random_uuid();
                auto st = statement(s,
                                    "UPDATE users SET app_account_token = :t WHERE id = :u AND "
                                    "app_account_token IS NULL",
                                    soci::use(fresh), soci::use(user_id));
                affected(st);
                auto token = read();
                if (!token) throw std::runtime_error("purchases: no token for user " + user_id);
                return *token;
            },
            deadline);
    }

    boost::asio::awaitable<std::optional<std::string>> user_by_app_account_token(
        std::string token, Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> std::optional<std::string> {
                std::string id;
                s << "SELECT id FROM users WHERE app_account_token = :t", soci::use(token),
                    soci::into(id);
                if (!s.got_data()) return std::nullopt;
                return id;
            },
            deadline);
    }

    boost::asio::awaitable<GrantResult> grant(Entitlement e, Deadline deadline,
                                              std::optional<OutboxJob> then) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> GrantResult {
                try {
                    return grant_in(s, e, then);
                } catch (const soci::soci_error&) {
                    // The same purchase granted at the same moment elsewhere: its insert won.
                    auto held = read(s, "WHERE source = :s", e.source);
                    if (held.empty()) throw;
                    return {held[0].user_id == e.user_id ? GrantStatus::kExisting
                                                         : GrantStatus::kOtherAccount,
                            held[0]};
                }
            },
            deadline);
    }

    boost::asio::awaitable<std::optional<Entitlement>> update(
        std::string source, std::optional<std::int64_t> expires_at_ms,
        std::optional<std::int64_t> revoked_at_ms, std::int64_t now_ms,
        Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> std::optional<Entitlement> {
                auto held = read(s, "WHERE source = :s", source);
                if (held.empty()) return std::nullopt;
                SqlDatabase::WriteTransaction tx(db_, s, held[0].user_id);
                held = read(s, "WHERE source = :s", source);  // as of the transaction
                if (held.empty()) return std::nullopt;
                auto e = held[0];
                auto before = std::make_pair(e.expires_at_ms, e.revoked_at_ms);
                if (expires_at_ms) e.expires_at_ms = expires_at_ms;
                if (revoked_at_ms && !e.revoked_at_ms) e.revoked_at_ms = revoked_at_ms;
                if (std::make_pair(e.expires_at_ms, e.revoked_at_ms) == before) return e;
                e.updated_at_ms = now_ms;
                write_dates(s, e);
                log_change(s, e, now_ms);
                tx.commit();
                return e;
            },
            deadline);
    }

    boost::asio::awaitable<std::vector<Entitlement>> active_entitlements(
        std::string user_id, std::int64_t now_ms, Deadline deadline) override {
        auto all = co_await db_.run(
            [&](soci::session& s) {
                return read(s, "WHERE user_id = :u ORDER BY granted_at DESC, id DESC", user_id);
            },
            deadline);
        std::erase_if(all, [now_ms](const Entitlement& e) { return !active(e, now_ms); });
        co_return all;
    }

    boost::asio::awaitable<void> create_code(PurchaseCode code, Deadline deadline) override {
        co_await db_.run(
            [&](soci::session& s) {
                auto st = statement(s,
                                    "INSERT INTO purchase_codes (code_hash, user_id, product_id, "
                                    "created_at, expires_at) VALUES (:h, :u, :p, :c, :e)",
                                    soci::use(code.code_hash), soci::use(code.user_id),
                                    soci::use(code.product_id), soci::use(code.created_at_ms),
                                    soci::use(code.expires_at_ms));
                affected(st);
                return true;
            },
            deadline);
    }

    boost::asio::awaitable<std::optional<PurchaseCode>> find_code(std::string code_hash,
                                                                  Deadline deadline) override {
        co_return co_await db_.run([&](soci::session& s) { return read_code(s, code_hash); },
                                   deadline);
    }

    boost::asio::awaitable<RedeemResult> redeem_code(std::string code_hash, Entitlement e,
                                                     std::int64_t now_ms, Deadline deadline,
                                                     std::optional<OutboxJob> then) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> RedeemResult {
                auto code = read_code(s, code_hash);
                if (!code) return {RedeemStatus::kUnknown, {}, false};
                SqlDatabase::WriteTransaction tx(db_, s, code->user_id);
                // The one statement that decides between concurrent redeems: the row is
                // locked until this transaction ends, and the others then see it used.
                auto st = statement(s,
                                    "UPDATE purchase_codes SET redeemed_at = :n WHERE code_hash = "
                                    ":h AND redeemed_at IS NULL AND expires_at > :m",
                                    soci::use(now_ms), soci::use(code_hash), soci::use(now_ms));
                if (affected(st) != 1) {
                    code = read_code(s, code_hash);
                    if (code && code->redeemed_at_ms) return {RedeemStatus::kUsed, {}, false};
                    return {RedeemStatus::kExpired, {}, false};
                }
                e.user_id = code->user_id;
                auto granted = grant_rows(s, std::move(e));
                // Not this owner's purchase: the code stays unused (the rollback).
                if (granted.status == GrantStatus::kOtherAccount)
                    return {RedeemStatus::kOtherAccount, granted.entitlement, false};
                if (then) add_job(s, *then, now_ms);
                tx.commit();
                return {RedeemStatus::kGranted, granted.entitlement,
                        granted.status == GrantStatus::kCreated};
            },
            deadline);
    }

    boost::asio::awaitable<bool> accept_notification(std::string id, OutboxJob job,
                                                     std::int64_t now_ms,
                                                     Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                int seen = 0;
                s << "SELECT COUNT(*) FROM store_notifications WHERE id = :i", soci::use(id),
                    soci::into(seen);
                if (seen > 0) return false;
                try {
                    SqlDatabase::WriteTransaction tx(db_, s);
                    auto st = statement(
                        s, "INSERT INTO store_notifications (id, received_at) VALUES (:i, :r)",
                        soci::use(id), soci::use(now_ms));
                    affected(st);
                    add_job(s, job, now_ms);
                    tx.commit();
                } catch (const soci::soci_error&) {
                    // The same id accepted at the same moment elsewhere: its insert won.
                    int again = 0;
                    s << "SELECT COUNT(*) FROM store_notifications WHERE id = :i", soci::use(id),
                        soci::into(again);
                    if (again > 0) return false;
                    throw;
                }
                return true;
            },
            deadline);
    }

private:
    GrantResult grant_in(soci::session& s, Entitlement e, const std::optional<OutboxJob>& then) {
        SqlDatabase::WriteTransaction tx(db_, s, e.user_id);
        auto result = grant_rows(s, std::move(e));
        if (then && result.status != GrantStatus::kOtherAccount)
            add_job(s, *then, result.entitlement.updated_at_ms);
        tx.commit();
        return result;
    }

    // Inside the caller's transaction.
    static GrantResult grant_rows(soci::session& s, Entitlement e) {
        auto held = read(s, "WHERE source = :s", e.source);
        if (!held.empty()) {
            auto existing = held[0];
            if (existing.user_id != e.user_id) return {GrantStatus::kOtherAccount, existing};
            // A renewal sent again by the app: the later expiry holds.
            if (e.expires_at_ms && existing.expires_at_ms &&
                *e.expires_at_ms > *existing.expires_at_ms && !existing.revoked_at_ms) {
                existing.expires_at_ms = e.expires_at_ms;
                existing.updated_at_ms = e.updated_at_ms;
                write_dates(s, existing);
                log_change(s, existing, e.updated_at_ms);
            }
            return {GrantStatus::kExisting, existing};
        }
        std::int64_t expires = e.expires_at_ms.value_or(0);
        soci::indicator expires_ind = e.expires_at_ms ? soci::i_ok : soci::i_null;
        auto st = statement(s,
                            "INSERT INTO entitlements (id, user_id, entitlement, product_id, kind, "
                            "platform, source, granted_at, updated_at, expires_at) VALUES (:i, "
                            ":u, :e, :p, :k, :f, :s, :g, :a, :x)",
                            soci::use(e.id), soci::use(e.user_id), soci::use(e.entitlement),
                            soci::use(e.product_id), soci::use(e.kind), soci::use(e.platform),
                            soci::use(e.source), soci::use(e.granted_at_ms),
                            soci::use(e.updated_at_ms), soci::use(expires, expires_ind));
        affected(st);
        e.revoked_at_ms.reset();
        log_change(s, e, e.updated_at_ms);
        return {GrantStatus::kCreated, e};
    }

    static std::optional<PurchaseCode> read_code(soci::session& s, const std::string& hash) {
        PurchaseCode c;
        std::int64_t redeemed = 0;
        soci::indicator redeemed_ind = soci::i_null;
        s << "SELECT code_hash, user_id, product_id, created_at, expires_at, redeemed_at FROM "
             "purchase_codes WHERE code_hash = :h",
            soci::use(hash), soci::into(c.code_hash), soci::into(c.user_id),
            soci::into(c.product_id), soci::into(c.created_at_ms), soci::into(c.expires_at_ms),
            soci::into(redeemed, redeemed_ind);
        if (!s.got_data()) return std::nullopt;
        if (redeemed_ind == soci::i_ok) c.redeemed_at_ms = redeemed;
        return c;
    }

    SqlDatabase& db_;
};

}  // namespace

bool active(const Entitlement& e, std::int64_t now_ms) {
    return !e.revoked_at_ms && (!e.expires_at_ms || *e.expires_at_ms > now_ms);
}

std::string entitlement_json(const Entitlement& e, std::int64_t now_ms) {
    boost::json::object o{{"id", e.id},
                          {"entitlement", e.entitlement},
                          {"product_id", e.product_id},
                          {"kind", e.kind},
                          {"platform", e.platform},
                          {"granted_at", core::format_rfc3339_ms(e.granted_at_ms)}};
    if (e.expires_at_ms) o["expires_at"] = core::format_rfc3339_ms(*e.expires_at_ms);
    if (e.revoked_at_ms) o["revoked_at"] = core::format_rfc3339_ms(*e.revoked_at_ms);
    o["active"] = active(e, now_ms);
    return boost::json::serialize(o);
}

std::unique_ptr<PurchaseStore> make_sql_purchase_store(SqlDatabase& db) {
    return std::make_unique<SqlPurchaseStore>(db);
}

}  // namespace mindme::store
