#pragma once
#include "metrics/fwd.hpp"

namespace mindme::store {

class SqlDatabase;

// store_pool_* families: threads, queued and busy jobs, completed, rejected (queue
// full) and expired (deadline passed) jobs, and time spent waiting for a connection.
void export_metrics(const SqlDatabase& db, metrics::Registry& registry);

}  // namespace mindme::store
