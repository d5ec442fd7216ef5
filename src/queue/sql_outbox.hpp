#pragma once
// Enqueueing inside the caller's SQL transaction (the transactional outbox): the job
// commits or rolls back with the write that needs it. Call it from a store::SqlDatabase
// run() job that holds a WriteTransaction.
#include <cstdint>
#include <string>

#include "queue/queue.hpp"

namespace soci {
class session;
}

namespace mindme::queue {

// Inserts the job; returns its id. Throws std::invalid_argument for a topic that is
// empty or longer than 64 characters.
std::string enqueue_in_transaction(soci::session& session, const JobSpec& spec,
                                   std::int64_t now_ms);

}  // namespace mindme::queue
