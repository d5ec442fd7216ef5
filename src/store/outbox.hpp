#pragma once
// The transactional outbox: a job row inserted in the transaction of the write that
// needs it, so the job exists if and only if the write committed. The jobs table is
// the store's (schema v2); src/queue leases from it (or relays it to RabbitMQ).
#include <cstdint>
#include <string>

namespace soci {
class session;
}

namespace mindme::store {

struct OutboxJob {
    std::string topic;    // 1..64 characters
    std::string payload;  // opaque to the store (JSON by convention)
    std::int64_t delay_ms = 0;
};

// Jobs about one entity of one user carry {"user_id","id"}: the handler reads the
// entity's current state, so the payload needs nothing more.
struct EntityRef {
    std::string user_id;
    std::string id;
};
std::string entity_payload(const std::string& user_id, const std::string& id);
// Throws std::invalid_argument for a payload that is not one.
EntityRef parse_entity_payload(const std::string& payload);

// Inserts the job inside the session's open transaction; returns its id. Throws
// std::invalid_argument for a topic that is empty or longer than 64 characters.
std::string add_job(soci::session& session, const OutboxJob& job, std::int64_t now_ms);

// A job that left the table (relayed to a broker) coming back to wait for a retry at
// `run_at`, keeping its id, its enqueue time and the attempts it spent; inside the
// session's open transaction. Replaces a row of the same id (a relay that died between
// publishing and deleting left one).
struct ReturningJob {
    std::string id;
    std::string topic;
    std::string payload;
    int attempts = 0;
    std::int64_t enqueued_at_ms = 0;
    std::int64_t run_at_ms = 0;
    std::string last_error;
};
void put_back_job(soci::session& session, const ReturningJob& job);

}  // namespace mindme::store
