#pragma once
// Accounts and sessions as the domain needs them, whatever SQL backend holds them.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/quotas.hpp"

namespace mindme::store {

class SqlDatabase;

struct User {
    std::string id;
    std::string email;  // as the user wrote it (trimmed)
    std::string password_hash;
    std::int64_t created_at_ms = 0;
};

struct SessionRecord {
    std::string token_hash;
    std::string user_id;
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
};

struct LiveSession {
    User user;
    std::int64_t expires_at_ms = 0;
};

using Deadline = std::chrono::steady_clock::time_point;

class AccountStore {
public:
    virtual ~AccountStore() = default;
    // Creates the user and its first session in one transaction; nullopt when
    // `email_key` (the normalised email) is taken.
    virtual boost::asio::awaitable<std::optional<User>> create_user(User user,
                                                                    std::string email_key,
                                                                    SessionRecord session,
                                                                    Deadline deadline) = 0;
    virtual boost::asio::awaitable<std::optional<User>> find_user_by_email(std::string email_key,
                                                                           Deadline deadline) = 0;
    // The account bound to that Firebase uid; made from `user` (its id, email and
    // creation time; no password) the first time. Two first sign-ins at once make one.
    virtual boost::asio::awaitable<User> firebase_user(std::string firebase_uid, User user,
                                                       Deadline deadline) = 0;
    virtual boost::asio::awaitable<void> create_session(SessionRecord session,
                                                        Deadline deadline) = 0;
    // The session with that hash if it is neither revoked nor expired at `now_ms`.
    virtual boost::asio::awaitable<std::optional<LiveSession>> find_session(std::string token_hash,
                                                                            std::int64_t now_ms,
                                                                            Deadline deadline) = 0;
    // False when there was no live session with that hash.
    virtual boost::asio::awaitable<bool> revoke_session(std::string token_hash, std::int64_t now_ms,
                                                        Deadline deadline) = 0;
    // The user's sessions live at `now_ms`, newest first.
    virtual boost::asio::awaitable<std::vector<SessionRecord>> list_sessions(std::string user_id,
                                                                             std::int64_t now_ms,
                                                                             Deadline deadline) = 0;
    // What the user's data uses now (the counts the quotas apply to).
    virtual boost::asio::awaitable<Usage> usage(std::string user_id, Deadline deadline) = 0;
    // Revokes every live session of the user; the hashes it revoked.
    virtual boost::asio::awaitable<std::vector<std::string>> revoke_user_sessions(
        std::string user_id, std::int64_t now_ms, Deadline deadline) = 0;
};

// The email_key of an account bound to a Firebase uid (never a normalised email).
std::string firebase_email_key(const std::string& firebase_uid);

std::unique_ptr<AccountStore> make_sql_account_store(SqlDatabase& db);

}  // namespace mindme::store
