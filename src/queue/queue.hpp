#pragma once
// Background jobs: a queue of topics with leases (visibility timeout), acks, retry with
// exponential backoff and jitter, and a dead letter after `max_attempts`. A job's
// effect must be committed before its ack, and handlers must be idempotent: a job
// whose worker dies is leased again once its lease expires.
//
// Producers that write SQL enqueue inside their own transaction (store/outbox.hpp), so
// a job exists if and only if the write that needs it committed. Backends: the SQL
// table itself (sql://) here; RabbitMQ later, fed from the same table by a relay.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mindme::queue {

struct JobSpec {
    std::string topic;    // 1..64 characters
    std::string payload;  // opaque to the queue (JSON by convention)
    std::chrono::milliseconds delay{0};
};

struct Job {
    std::string id;
    std::string topic;
    std::string payload;
    int attempts = 0;  // this lease included
    std::int64_t enqueued_at_ms = 0;
    std::string lease_token;  // proves this lease in ack/fail/release
};

struct RetryPolicy {
    int max_attempts = 5;
    std::chrono::milliseconds base{1000};
    std::chrono::milliseconds cap{5 * 60 * 1000};
};

// The wait before attempt `attempts + 1`: min(cap, base·2^(attempts−1)), of which a
// random half is jitter ("equal jitter"), so that failed jobs do not return in step.
std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempts, double unit_random);

enum class FailOutcome { kRetried, kDead, kLost };

// What a handler knows of when its failed job may run again: no sooner than
// `not_before` (a server's Retry-After, a quota's refill), or never (`permanent`: the
// failure is the job's own, and it goes to the dead letter at once with its error).
struct RetryHint {
    std::chrono::milliseconds not_before{0};
    bool permanent = false;
};

// The wait before a failed job runs again: backoff() with a random jitter, or the hint's
// not_before when that is longer.
std::chrono::milliseconds retry_wait(const RetryPolicy& policy, int attempts, RetryHint hint);

struct TopicStats {
    std::string topic;
    std::int64_t ready = 0;   // waiting, including those delayed for a retry
    std::int64_t leased = 0;  // being worked on
    std::int64_t dead = 0;
    double oldest_ready_age_seconds = 0;  // since the oldest waiting job was enqueued
};

class JobQueue {
public:
    virtual ~JobQueue() = default;
    // Returns the job's id.
    virtual boost::asio::awaitable<std::string> enqueue(JobSpec spec) = 0;
    // Up to `max` jobs of `topic` that are due, each leased for `visibility`. A job
    // leased for the (max_attempts+1)th time goes to the dead letter instead.
    virtual boost::asio::awaitable<std::vector<Job>> lease(std::string topic, std::size_t max,
                                                           std::chrono::seconds visibility) = 0;
    // Done: the job is removed. False when the lease was lost (it expired and the job
    // went to another worker), which a handler's idempotence makes harmless.
    virtual boost::asio::awaitable<bool> ack(Job job) = 0;
    // Failed: retried after backoff() (or the hint's not_before when longer), or dead
    // after max_attempts (or at once when the hint says permanent).
    virtual boost::asio::awaitable<FailOutcome> fail(Job job, std::string error,
                                                     RetryHint hint) = 0;
    // Not run (the worker is stopping): back to ready at once, the attempt not counted.
    virtual boost::asio::awaitable<void> release(Job job) = 0;
    virtual boost::asio::awaitable<std::vector<TopicStats>> stats() = 0;
    virtual const char* backend() const = 0;
};

}  // namespace mindme::queue
