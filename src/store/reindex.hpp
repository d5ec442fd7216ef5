#pragma once
// Brings the search index back to every acknowledged write, whatever happened to it
// (deleted, restored from an older backup, jobs lost): the index jobs of every memory and
// every processed file are enqueued again, through the outbox like any write's. The
// handlers read the current state, so the index ends exactly at the store's state.
#include <cstdint>

#include "store/sql_database.hpp"

namespace mindme::store {

struct ReindexCount {
    std::int64_t memories = 0;
    std::int64_t files = 0;
};

// In batches, each in a transaction of its own.
ReindexCount enqueue_reindex(SqlDatabase& db);

}  // namespace mindme::store
