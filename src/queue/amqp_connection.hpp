#pragma once
// One blocking AMQP 0-9-1 connection to RabbitMQ (rabbitmq-c) with one channel in
// publisher-confirm mode. Not thread-safe: its owner serialises the calls. Any failure
// (network, timeout, a channel closed by the broker) throws AmqpError and leaves the
// connection unusable: the owner drops it and opens another.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace mindme::queue {

struct AmqpError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct AmqpUrl {
    std::string host = "127.0.0.1";
    int port = 5672;
    std::string user = "guest";
    std::string password = "guest";
    std::string vhost = "/";
};
// amqp://[user[:password]@]host[:port][/vhost]; nullopt when it is not one (amqps:// is
// not supported). No path, a bare "/" and "/%2f" all name the default vhost "/".
std::optional<AmqpUrl> parse_amqp_url(const std::string& url);

// A queue argument (x-dead-letter-exchange, x-max-length, ...).
using AmqpArgument = std::pair<std::string, std::variant<std::string, std::int64_t>>;

struct AmqpOutgoing {
    std::string exchange;
    std::string routing_key;
    std::string body;
    std::string message_id;
    std::int64_t timestamp_ms = 0;
    // Headers the queue reads back: attempts already spent, why it is dead.
    std::int64_t attempts = 0;
    std::string error;
};

struct AmqpDelivery {
    std::uint64_t tag = 0;  // for ack/reject, on this connection only
    std::string body;
    std::string message_id;
    std::int64_t timestamp_ms = 0;
    std::int64_t attempts = 0;  // the x-mindme-attempts header
    bool redelivered = false;   // handed out before, to a consumer that did not settle it
    std::string error;          // x-mindme-error: why a dead letter died
};

class AmqpConnection {
public:
    AmqpConnection(const AmqpUrl& url, std::chrono::milliseconds timeout);
    ~AmqpConnection();
    AmqpConnection(const AmqpConnection&) = delete;
    AmqpConnection& operator=(const AmqpConnection&) = delete;

    void declare_exchange(const std::string& name);  // direct, durable
    // Declares (or finds, with the same arguments) a durable queue; its ready messages.
    std::uint32_t declare_queue(const std::string& name, const std::vector<AmqpArgument>& args);
    void bind(const std::string& queue, const std::string& exchange, const std::string& key);
    // Publishes persistent, mandatory messages and returns once the broker confirmed
    // every one; throws if any was refused or could not be routed to a queue.
    void publish_confirmed(const std::vector<AmqpOutgoing>& messages);
    // basic.get with manual ack: the next ready message, held until ack or reject.
    std::optional<AmqpDelivery> get(const std::string& queue);
    void ack(std::uint64_t tag);
    void reject(std::uint64_t tag, bool requeue);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::queue
