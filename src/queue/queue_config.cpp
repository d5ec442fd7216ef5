#include "queue/queue_config.hpp"

#include "core/config.hpp"
#include "queue/amqp_queue.hpp"
#include "queue/sql_queue.hpp"

namespace mindme::queue {

void declare_config(core::ConfigSchema& schema) {
    schema.add_string(
        "queue.url", "sql://",
        "The job queue: sql:// (the store's jobs table, which is also the outbox) or "
        "amqp://user:password@host:port/vhost (RabbitMQ, fed from the outbox by a relay in "
        "every process).",
        [](const core::ConfigValue& v) -> std::optional<std::string> {
            const auto& url = std::get<std::string>(v);
            if (url == "sql://" || parse_amqp_url(url)) return std::nullopt;
            return "expected sql:// or amqp://user:password@host:port/vhost";
        });
    schema.add_string("queue.amqp_prefix", "mindme",
                      "amqp://: the start of every exchange and queue name (<prefix>.jobs, "
                      "<prefix>.<topic>, ...), so that deployments can share a RabbitMQ.");
    schema.add_int("queue.max_attempts", 5, 1, 100,
                   "Attempts before a job goes to the dead letter (failures and expired "
                   "leases both count).");
    schema.add_int("queue.retry_base_ms", 1000, 1, 3'600'000,
                   "Wait before the second attempt; doubled for each further one, half of it "
                   "random jitter.");
    schema.add_int("queue.retry_cap_ms", 300'000, 1, 86'400'000,
                   "The longest wait between attempts.");
    schema.add_int("queue.visibility_seconds", 60, 1, 86400,
                   "How long a leased job stays invisible to other workers; a worker that "
                   "dies loses its jobs to others after this.");
    schema.add_int("queue.poll_ms", 250, 1, 60'000,
                   "How long an idle runner waits before looking for due jobs again; with "
                   "amqp://, also how often the relay looks for due jobs in the outbox.");
    schema.add_int("worker.concurrency", 4, 1, 1024,
                   "Jobs `mindme worker` (or `all`) runs at once.");
    schema.add_int("files.concurrency", 2, 1, 1024,
                   "File jobs `mindme files` (or `all`) runs at once.");
}

std::unique_ptr<JobQueue> open_queue(const core::Config& config, store::SqlDatabase& db) {
    RetryPolicy retry;
    retry.max_attempts = static_cast<int>(config.get_int("queue.max_attempts"));
    retry.base = std::chrono::milliseconds(config.get_int("queue.retry_base_ms"));
    retry.cap = std::chrono::milliseconds(config.get_int("queue.retry_cap_ms"));
    if (auto url = parse_amqp_url(config.get_string("queue.url"))) {
        AmqpQueueOptions o;
        o.url = *url;
        o.prefix = config.get_string("queue.amqp_prefix");
        o.retry = retry;
        o.relay_interval = std::chrono::milliseconds(config.get_int("queue.poll_ms"));
        return make_amqp_queue(db, o);
    }
    SqlQueueOptions o;
    o.retry = retry;
    return make_sql_queue(db, o);
}

RunnerOptions runner_options(const core::Config& config, const char* role) {
    RunnerOptions o;
    o.concurrency = static_cast<std::size_t>(config.get_int(std::string(role) + ".concurrency"));
    o.visibility = std::chrono::seconds(config.get_int("queue.visibility_seconds"));
    o.poll = std::chrono::milliseconds(config.get_int("queue.poll_ms"));
    return o;
}

}  // namespace mindme::queue
