// AccountStore on SqlDatabase, in SQL that every backend accepts.
#include <soci/soci.h>

#include "store/accounts.hpp"
#include "store/sql_database.hpp"
#include "store/sql_statements.hpp"
#include "store/usage_counts.hpp"

namespace mindme::store {
namespace {

std::optional<User> read_user(soci::session& s, const std::string& where, const std::string& key) {
    User u;
    soci::indicator ind = soci::i_ok;
    s << "SELECT id, email, password_hash, created_at FROM users WHERE " + where + " = :k",
        soci::use(key), soci::into(u.id, ind), soci::into(u.email), soci::into(u.password_hash),
        soci::into(u.created_at_ms);
    if (!s.got_data()) return std::nullopt;
    return u;
}

void insert_session(soci::session& s, const SessionRecord& r) {
    s << "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
         "VALUES (:t, :u, :c, :e)",
        soci::use(r.token_hash), soci::use(r.user_id), soci::use(r.created_at_ms),
        soci::use(r.expires_at_ms);
}

class SqlAccountStore final : public AccountStore {
public:
    explicit SqlAccountStore(SqlDatabase& db) : db_(db) {}

    boost::asio::awaitable<std::optional<User>> create_user(User user, std::string email_key,
                                                            SessionRecord session,
                                                            Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> std::optional<User> {
                try {
                    SqlDatabase::WriteTransaction tx(db_, s);
                    s << "INSERT INTO users (id, email, email_key, password_hash, created_at) "
                         "VALUES (:i, :e, :k, :p, :c)",
                        soci::use(user.id), soci::use(user.email), soci::use(email_key),
                        soci::use(user.password_hash), soci::use(user.created_at_ms);
                    insert_session(s, session);
                    tx.commit();
                    return user;
                } catch (const soci::soci_error&) {
                    // Portable across backends: a failed insert whose email is now taken
                    // lost to the unique key; anything else is a real failure.
                    if (read_user(s, "email_key", email_key)) return std::nullopt;
                    throw;
                }
            },
            deadline);
    }

    boost::asio::awaitable<std::optional<User>> find_user_by_email(std::string email_key,
                                                                   Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) { return read_user(s, "email_key", email_key); }, deadline);
    }

    boost::asio::awaitable<User> firebase_user(std::string firebase_uid, User user,
                                               Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> User {
                if (auto found = read_user(s, "firebase_uid", firebase_uid)) return *found;
                try {
                    SqlDatabase::WriteTransaction tx(db_, s);
                    std::string no_password;
                    auto email_key = firebase_email_key(firebase_uid);  // named: use() binds it
                    s << "INSERT INTO users (id, email, email_key, password_hash, created_at, "
                         "firebase_uid) VALUES (:i, :e, :k, :p, :c, :f)",
                        soci::use(user.id), soci::use(user.email), soci::use(email_key),
                        soci::use(no_password), soci::use(user.created_at_ms),
                        soci::use(firebase_uid);
                    tx.commit();
                    user.password_hash.clear();
                    return user;
                } catch (const soci::soci_error&) {
                    // Another first sign-in of the same uid won the unique key.
                    if (auto found = read_user(s, "firebase_uid", firebase_uid)) return *found;
                    throw;
                }
            },
            deadline);
    }

    boost::asio::awaitable<void> create_session(SessionRecord session, Deadline deadline) override {
        co_await db_.run([&](soci::session& s) { insert_session(s, session); }, deadline);
    }

    boost::asio::awaitable<std::optional<LiveSession>> find_session(std::string token_hash,
                                                                    std::int64_t now_ms,
                                                                    Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> std::optional<LiveSession> {
                LiveSession live;
                auto& u = live.user;
                s << "SELECT u.id, u.email, u.password_hash, u.created_at, s.expires_at "
                     "FROM sessions s JOIN users u ON u.id = s.user_id "
                     "WHERE s.token_hash = :t AND s.revoked_at IS NULL AND s.expires_at > :n",
                    soci::use(token_hash), soci::use(now_ms), soci::into(u.id), soci::into(u.email),
                    soci::into(u.password_hash), soci::into(u.created_at_ms),
                    soci::into(live.expires_at_ms);
                if (!s.got_data()) return std::nullopt;
                return live;
            },
            deadline);
    }

    boost::asio::awaitable<bool> revoke_session(std::string token_hash, std::int64_t now_ms,
                                                Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                soci::statement st =
                    detail::statement(s,
                                      "UPDATE sessions SET revoked_at = :n "
                                      "WHERE token_hash = :t AND revoked_at IS NULL",
                                      soci::use(now_ms), soci::use(token_hash));
                st.execute(true);
                return st.get_affected_rows() > 0;
            },
            deadline);
    }

    boost::asio::awaitable<std::vector<SessionRecord>> list_sessions(std::string user_id,
                                                                     std::int64_t now_ms,
                                                                     Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) { return live_sessions(s, user_id, now_ms); }, deadline);
    }

    boost::asio::awaitable<Usage> usage(std::string user_id, Deadline deadline) override {
        co_return co_await db_.run([&](soci::session& s) { return detail::read_usage(s, user_id); },
                                   deadline);
    }

    boost::asio::awaitable<std::vector<std::string>> revoke_user_sessions(
        std::string user_id, std::int64_t now_ms, Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                SqlDatabase::WriteTransaction tx(db_, s, user_id);
                std::vector<std::string> revoked;
                for (auto& session : live_sessions(s, user_id, now_ms))
                    revoked.push_back(std::move(session.token_hash));
                soci::statement st = detail::statement(
                    s,
                    "UPDATE sessions SET revoked_at = :n "
                    "WHERE user_id = :u AND revoked_at IS NULL AND expires_at > :n2",
                    soci::use(now_ms), soci::use(user_id), soci::use(now_ms));
                st.execute(true);
                tx.commit();
                return revoked;
            },
            deadline);
    }

private:
    static std::vector<SessionRecord> live_sessions(soci::session& s, const std::string& user_id,
                                                    std::int64_t now_ms) {
        std::vector<SessionRecord> out;
        SessionRecord r;
        r.user_id = user_id;
        soci::statement st =
            detail::statement(s,
                              "SELECT token_hash, created_at, expires_at FROM sessions "
                              "WHERE user_id = :u AND revoked_at IS NULL AND expires_at > :n "
                              "ORDER BY created_at DESC, token_hash",
                              soci::use(user_id), soci::use(now_ms), soci::into(r.token_hash),
                              soci::into(r.created_at_ms), soci::into(r.expires_at_ms));
        st.execute(false);
        while (st.fetch()) {
            out.push_back(r);
            // CHAR(64) comes back blank-padded from PostgreSQL when shorter.
            auto& hash = out.back().token_hash;
            hash.erase(hash.find_last_not_of(' ') + 1);
        }
        return out;
    }

    SqlDatabase& db_;
};

}  // namespace

std::string firebase_email_key(const std::string& firebase_uid) {
    return "firebase:" + firebase_uid;
}

std::unique_ptr<AccountStore> make_sql_account_store(SqlDatabase& db) {
    return std::make_unique<SqlAccountStore>(db);
}

}  // namespace mindme::store
