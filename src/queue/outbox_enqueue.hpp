#pragma once
// JobQueue::enqueue for the backends fed by the store's outbox (SQL and RabbitMQ): the
// job row in a transaction of its own.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "queue/queue.hpp"

namespace mindme::store {
class SqlDatabase;
}

namespace mindme::queue {

boost::asio::awaitable<std::string> enqueue_in_outbox(store::SqlDatabase& db, JobSpec spec,
                                                      std::int64_t now_ms);

}  // namespace mindme::queue
