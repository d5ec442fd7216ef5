#pragma once
// The store.* and quota.* configuration keys, read into DatabaseOptions and Quotas.
#include <string>

#include "core/config_fwd.hpp"
#include "store/quotas.hpp"
#include "store/sql_database.hpp"

namespace mindme::store {

void declare_config(core::ConfigSchema& schema);
// An empty store.url means the embedded database: sqlite:///<data_dir>/mindme.db.
DatabaseOptions database_options(const core::Config& config, const std::string& data_dir);
Quotas quotas(const core::Config& config);

}  // namespace mindme::store
