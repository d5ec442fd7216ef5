#include "store/seed.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "store/sql_database.hpp"

namespace mindme::store {

std::size_t seed_accounts(SqlDatabase& db, const std::vector<SeedAccount>& accounts,
                          const SeedOptions& options) {
    std::size_t created = 0;
    for (std::size_t from = 0; from < accounts.size(); from += options.batch) {
        auto to = std::min(accounts.size(), from + options.batch);
        created += db.run_now([&](soci::session& s) {
            std::size_t made = 0;
            SqlDatabase::WriteTransaction tx(db, s);
            for (auto i = from; i < to; ++i) {
                const auto& a = accounts[i];
                const auto& key = a.email_key;
                std::string user_id;
                soci::indicator ind = soci::i_ok;
                s << "SELECT id FROM users WHERE email_key = :k", soci::use(key),
                    soci::into(user_id, ind);
                if (!s.got_data()) {
                    user_id = a.new_user_id;
                    s << "INSERT INTO users (id, email, email_key, password_hash, created_at) "
                         "VALUES (:i, :e, :k, :p, :c)",
                        soci::use(user_id), soci::use(a.email), soci::use(key),
                        soci::use(options.password_hash), soci::use(options.now_ms);
                    ++made;
                }
                s << "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                     "VALUES (:t, :u, :c, :e)",
                    soci::use(a.token_hash), soci::use(user_id), soci::use(options.now_ms),
                    soci::use(options.expires_at_ms);
            }
            tx.commit();
            return made;
        });
    }
    return created;
}

}  // namespace mindme::store
