#pragma once
// The SQL-table backend of JobQueue (queue.url = sql://): jobs live in the store's
// `jobs` table, leased inside write transactions.
#include <memory>

#include "queue/queue.hpp"

namespace mindme::store {
class SqlDatabase;
}

namespace mindme::queue {

struct SqlQueueOptions {
    RetryPolicy retry;
    // The time source, replaceable so that tests move time instead of waiting.
    std::int64_t (*now_ms)() = nullptr;  // nullptr: the system clock
};

std::unique_ptr<JobQueue> make_sql_queue(store::SqlDatabase& db, const SqlQueueOptions& options);

}  // namespace mindme::queue
