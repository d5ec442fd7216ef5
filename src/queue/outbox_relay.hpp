#pragma once
// The outbox relay's database side: claims the due rows of the store's `jobs` table
// (every topic, oldest first; FOR UPDATE SKIP LOCKED where several relays may run) in
// one short transaction, hands them to `publish` with no transaction open (a slow
// broker holds no lock), and deletes them once it returns. If `publish` throws, the
// rows are due again at once. A relay that dies holding a claim leaves its rows to
// others once `claim_for` has passed; one that dies after publishing and before
// deleting gets its rows published twice: delivery is at least once, which idempotent
// handlers absorb.
#include <chrono>
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
                           std::chrono::milliseconds claim_for,
                           const std::function<void(const std::vector<OutboxRow>&)>& publish);

}  // namespace mindme::queue
