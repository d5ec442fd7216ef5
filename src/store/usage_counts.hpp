#pragma once
// Moves a user's usage counts (store/quotas.hpp) inside a write transaction. Private to
// src/store.
#include <soci/soci.h>

#include <string>

#include "store/quotas.hpp"

namespace mindme::store::detail {

// Adds `delta` to the user's counts. Growth past a quota throws ApiError 507 naming
// it, before anything else of the transaction is committed.
void charge_usage(soci::session& s, const std::string& user_id, const Usage& delta,
                  const Quotas& quotas);

Usage read_usage(soci::session& s, const std::string& user_id);

}  // namespace mindme::store::detail
