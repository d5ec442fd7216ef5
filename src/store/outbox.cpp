#include "store/outbox.hpp"

#include <soci/soci.h>

#include <boost/json/parse.hpp>
#include <stdexcept>

#include "core/ids.hpp"
#include "core/json.hpp"

namespace mindme::store {

namespace {
constexpr std::size_t kJobIdBytes = 16;
constexpr std::size_t kMaxTopic = 64;
}  // namespace

std::string entity_payload(const std::string& user_id, const std::string& id) {
    std::string payload = "{\"user_id\":";
    core::append_json_string(payload, user_id);
    payload += ",\"id\":";
    core::append_json_string(payload, id);
    return payload + '}';
}

EntityRef parse_entity_payload(const std::string& payload) {
    try {
        auto value = boost::json::parse(payload);
        const auto& o = value.as_object();
        return {std::string(o.at("user_id").as_string()), std::string(o.at("id").as_string())};
    } catch (const std::exception&) {
        throw std::invalid_argument("not an entity job payload: " + payload.substr(0, 200));
    }
}

std::string add_job(soci::session& s, const OutboxJob& job, std::int64_t now_ms) {
    if (job.topic.empty() || job.topic.size() > kMaxTopic)
        throw std::invalid_argument("job topic must be 1 to 64 characters");
    auto id = core::random_id(kJobIdBytes);
    std::int64_t run_at = now_ms + job.delay_ms;
    s << "INSERT INTO jobs (id, topic, payload, state, attempts, run_at, enqueued_at) "
         "VALUES (:i, :t, :p, 'ready', 0, :r, :e)",
        soci::use(id), soci::use(job.topic), soci::use(job.payload), soci::use(run_at),
        soci::use(now_ms);
    return id;
}

void put_back_job(soci::session& s, const ReturningJob& job) {
    if (job.topic.empty() || job.topic.size() > kMaxTopic)
        throw std::invalid_argument("job topic must be 1 to 64 characters");
    s << "DELETE FROM jobs WHERE id = :i", soci::use(job.id);
    s << "INSERT INTO jobs (id, topic, payload, state, attempts, run_at, enqueued_at, last_error) "
         "VALUES (:i, :t, :p, 'ready', :a, :r, :e, :l)",
        soci::use(job.id), soci::use(job.topic), soci::use(job.payload), soci::use(job.attempts),
        soci::use(job.run_at_ms), soci::use(job.enqueued_at_ms), soci::use(job.last_error);
}

}  // namespace mindme::store
