#pragma once
// The outbox relay's database side: claims the due rows of the store's `jobs` table
// (every topic, oldest first; FOR UPDATE SKIP LOCKED where several relays may run),
// hands them to `publish`, and deletes them in the same transaction once it returns.
// If `publish` throws, nothing is deleted and the rows wait for the next pass. A relay
// that dies after publishing and before committing publishes those rows again later:
// delivery is at least once, which idempotent handlers absorb.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mindme::store {
class SqlDatabase;
}

namespace mindme::queue {

struct OutboxRow {
    std::string id;
    std::string topic;
    std::string payload;
    int attempts = 0;
    std::int64_t enqueued_at_ms = 0;
};

// Blocking (runs on the calling thread); returns how many rows were relayed.
std::size_t relay_due_jobs(store::SqlDatabase& db, std::int64_t now_ms, std::size_t batch,
                           const std::function<void(const std::vector<OutboxRow>&)>& publish);

}  // namespace mindme::queue
