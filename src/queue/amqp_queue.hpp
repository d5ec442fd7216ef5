#pragma once
// The RabbitMQ backend of JobQueue (queue.url = amqp://…), fed by the transactional
// outbox: producers still insert jobs in the store's `jobs` table inside their own
// transaction, and a relay moves due rows to RabbitMQ (publisher confirms, then the rows
// are deleted), so a write succeeds while RabbitMQ is down and its job is published
// once RabbitMQ is back. Per topic, on RabbitMQ:
//   <prefix>.<topic>       durable queue, bound to the direct exchange <prefix>.jobs;
//                          its dead-letter exchange is <prefix>.dead
//   <prefix>.<topic>.dead  durable queue bound to <prefix>.dead: jobs past max_attempts
// Messages are persistent and published with confirms. Classic queues, not quorum
// ones: a quorum queue declared just before RabbitMQ is killed can come back as a
// follower that never elects itself, and every basic.get on it then times out.
// Leases are basic.get with manual acks, held by this process until ack, fail or
// release, or until their visibility runs out (then published again, the attempt
// counted, and acked); a process that dies loses its connection and RabbitMQ requeues
// what it held, marked redelivered: the next lease counts that attempt (in the
// x-mindme-attempts header) into a copy. A failed job waiting for its retry goes back to
// the outbox with its run_at (the delay follows the queue's clock and survives a
// RabbitMQ restart); a dead one is published to the dead-letter exchange, with its
// error, before its ack.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "queue/amqp_connection.hpp"
#include "queue/queue.hpp"

namespace mindme::store {
class SqlDatabase;
}

namespace mindme::queue {

struct AmqpQueueOptions {
    AmqpUrl url;
    std::string prefix = "mindme";  // of exchange and queue names
    RetryPolicy retry;
    std::chrono::milliseconds timeout{5000};  // connect, each call, each confirm
    // How often the relay looks for due outbox rows; 0: never by itself (relay_now()).
    std::chrono::milliseconds relay_interval{250};
    std::size_t relay_batch = 200;
    std::size_t max_waiting = 1000;      // calls queued for the connection; past it, refused
    std::int64_t (*now_ms)() = nullptr;  // nullptr: the system clock
};

class AmqpJobQueue : public JobQueue {
public:
    // One pass of the relay: publishes the due outbox rows (up to a batch); how many.
    virtual boost::asio::awaitable<std::size_t> relay_now() = 0;
};

std::unique_ptr<AmqpJobQueue> make_amqp_queue(store::SqlDatabase& db,
                                              const AmqpQueueOptions& options);

}  // namespace mindme::queue
