#pragma once
// Test users in bulk for load tests (`mindme seed`): many accounts sharing one
// precomputed password hash, each with a fresh session, in a few large transactions —
// instead of one slow argon2id computation and one request per user.
#include <cstdint>
#include <string>
#include <vector>

namespace mindme::store {

class SqlDatabase;

struct SeedAccount {
    std::string email;        // as written
    std::string email_key;    // normalised: what uniqueness compares
    std::string new_user_id;  // used when the email has no account yet
    std::string token_hash;   // the session to create
};

struct SeedOptions {
    std::string password_hash;  // shared by every new account
    std::int64_t now_ms = 0;
    std::int64_t expires_at_ms = 0;
    std::size_t batch = 1000;  // accounts per transaction
};

// Creates the accounts that do not exist yet and a session for every account;
// returns how many accounts were new. Blocking (no event loop: a command).
std::size_t seed_accounts(SqlDatabase& db, const std::vector<SeedAccount>& accounts,
                          const SeedOptions& options);

}  // namespace mindme::store
