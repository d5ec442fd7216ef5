#include "cmd/seed.hpp"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "app/accounts_routes.hpp"
#include "auth/credentials.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/ids.hpp"
#include "store/migrations.hpp"
#include "store/seed.hpp"
#include "store/sql_database.hpp"
#include "store/store_config.hpp"

namespace mindme::cmd {

namespace {
constexpr std::size_t kUserIdBytes = 16;
constexpr const char* kDomain = "@loadtest.example";
}  // namespace

int run_seed(const core::Config& config, const SeedRequest& request) {
    try {
        auto started = std::chrono::steady_clock::now();
        auto options = store::database_options(config, config.get_string("data.dir"));
        options.connections = 1;
        options.max_overflow = 0;
        auto db = store::SqlDatabase::open(options);
        if (config.get_bool("store.migrate_on_start")) store::migrate(*db);

        // One argon2id computation for every new account: they share the password.
        store::SeedOptions seed;
        seed.password_hash = auth::hash_password(request.password);
        seed.now_ms = core::now_ms();
        seed.expires_at_ms = seed.now_ms + config.get_int("auth.token_ttl_seconds") * 1000;

        std::vector<store::SeedAccount> accounts;
        std::vector<std::string> tokens;
        accounts.reserve(request.users);
        tokens.reserve(request.users);
        for (std::size_t i = 0; i < request.users; ++i) {
            auto email = app::normalize_email(request.email_prefix + std::to_string(i) + kDomain);
            tokens.push_back(auth::new_session_token());
            accounts.push_back({email.address, email.key, core::random_id(kUserIdBytes),
                                auth::token_digest(tokens.back())});
        }
        auto created = store::seed_accounts(*db, accounts, seed);

        std::ofstream out(request.tokens_file, std::ios::trunc);
        ::chmod(request.tokens_file.c_str(), 0600);  // session tokens are credentials
        for (std::size_t i = 0; i < accounts.size(); ++i)
            out << accounts[i].email << '\t' << tokens[i] << '\n';
        out.close();
        if (!out) throw std::runtime_error("cannot write " + request.tokens_file);
        auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
        std::cout << "seeded " << accounts.size() << " accounts (" << created << " new) in "
                  << seconds.count() << " s; tokens in " << request.tokens_file << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "mindme seed: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace mindme::cmd
