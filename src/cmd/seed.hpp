#pragma once
// `mindme seed --users N --tokens FILE`: test accounts and session tokens in bulk for
// load tests (see store/seed.hpp).
#include <cstddef>
#include <string>

#include "core/config_fwd.hpp"

namespace mindme::cmd {

struct SeedRequest {
    std::size_t users = 0;
    std::string tokens_file;  // written: one "email<TAB>token" line per account
    std::string password = "load test password";
    std::string email_prefix = "user";
};

// Returns the exit code; prints a summary (or the error) itself.
int run_seed(const core::Config& config, const SeedRequest& request);

}  // namespace mindme::cmd
