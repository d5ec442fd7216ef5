#include "queue/amqp_connection.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <set>

namespace mindme::queue {

namespace {

constexpr amqp_channel_t kChannel = 1;
constexpr const char* kAttemptsHeader = "x-mindme-attempts";
constexpr const char* kEnqueuedHeader = "x-mindme-enqueued-ms";
constexpr const char* kErrorHeader = "x-mindme-error";

timeval to_timeval(std::chrono::milliseconds d) {
    return {static_cast<time_t>(d.count() / 1000),
            static_cast<suseconds_t>(d.count() % 1000 * 1000)};
}

amqp_bytes_t bytes_of(const std::string& s) {
    return {s.size(), const_cast<char*>(s.data())};  // rabbitmq-c only reads it
}

std::string string_of(amqp_bytes_t b) { return {static_cast<const char*>(b.bytes), b.len}; }

std::optional<std::int64_t> integer_of(const amqp_field_value_t& v) {
    switch (v.kind) {
        case AMQP_FIELD_KIND_I8:
            return v.value.i8;
        case AMQP_FIELD_KIND_U8:
            return v.value.u8;
        case AMQP_FIELD_KIND_I16:
            return v.value.i16;
        case AMQP_FIELD_KIND_U16:
            return v.value.u16;
        case AMQP_FIELD_KIND_I32:
            return v.value.i32;
        case AMQP_FIELD_KIND_U32:
            return v.value.u32;
        case AMQP_FIELD_KIND_I64:
            return v.value.i64;
        case AMQP_FIELD_KIND_U64:
            return static_cast<std::int64_t>(v.value.u64);
        default:
            return std::nullopt;
    }
}

std::string describe(const amqp_rpc_reply_t& r) {
    switch (r.reply_type) {
        case AMQP_RESPONSE_NORMAL:
            return "ok";
        case AMQP_RESPONSE_NONE:
            return "no reply";
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return amqp_error_string2(r.library_error);
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
                auto* c = static_cast<amqp_connection_close_t*>(r.reply.decoded);
                return "connection closed by RabbitMQ: " + std::to_string(c->reply_code) + " " +
                       string_of(c->reply_text);
            }
            if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
                auto* c = static_cast<amqp_channel_close_t*>(r.reply.decoded);
                return "channel closed by RabbitMQ: " + std::to_string(c->reply_code) + " " +
                       string_of(c->reply_text);
            }
            return "unexpected method from RabbitMQ";
    }
    return "unknown reply";
}

}  // namespace

std::optional<AmqpUrl> parse_amqp_url(const std::string& url) {
    static constexpr std::string_view kScheme = "amqp://";
    if (!url.starts_with(kScheme) || url.size() == kScheme.size()) return std::nullopt;
    std::vector<char> buffer(url.begin(), url.end());
    buffer.push_back('\0');  // amqp_parse_url cuts the string it is given in pieces
    amqp_connection_info info;
    amqp_default_connection_info(&info);
    if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK || info.ssl) return std::nullopt;
    if (!info.host || !*info.host) return std::nullopt;
    AmqpUrl parsed{info.host, info.port, info.user, info.password, info.vhost};
    // A bare trailing slash names the empty vhost, which RabbitMQ cannot have: it is
    // meant as the default one, as most clients take it.
    if (parsed.vhost.empty()) parsed.vhost = "/";
    return parsed;
}

struct AmqpConnection::Impl {
    amqp_connection_state_t conn = amqp_new_connection();
    std::chrono::milliseconds timeout;
    std::uint64_t published = 0;  // publish sequence numbers of the confirm-mode channel
    bool logged_in = false;
    bool broken = false;

    explicit Impl(std::chrono::milliseconds t) : timeout(t) {}

    ~Impl() {
        if (logged_in && !broken) amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
        amqp_destroy_connection(conn);
    }

    [[noreturn]] void fail(const std::string& what) {
        broken = true;
        throw AmqpError("RabbitMQ: " + what);
    }

    void check(const amqp_rpc_reply_t& r, const char* what) {
        if (r.reply_type != AMQP_RESPONSE_NORMAL) fail(std::string(what) + ": " + describe(r));
    }

    void check_last(const char* what) { check(amqp_get_rpc_reply(conn), what); }

    void check_status(int status, const char* what) {
        if (status < 0) fail(std::string(what) + ": " + amqp_error_string2(status));
    }

    // Reads the content of a returned message, which follows its basic.return.
    void skip_returned_content() {
        amqp_message_t message;
        check(amqp_read_message(conn, kChannel, &message, 0), "reading a returned message");
        amqp_destroy_message(&message);
    }

    // Waits for the broker's confirms of sequence numbers first..published.
    void wait_for_confirms(std::uint64_t first) {
        std::set<std::uint64_t> pending;
        for (auto seq = first; seq <= published; ++seq) pending.insert(seq);
        bool returned = false;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!pending.empty()) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) fail("no publisher confirm in time");
            auto tv = to_timeval(left);
            amqp_frame_t frame;
            int status = amqp_simple_wait_frame_noblock(conn, &frame, &tv);
            if (status == AMQP_STATUS_TIMEOUT) fail("no publisher confirm in time");
            check_status(status, "waiting for publisher confirms");
            if (frame.frame_type != AMQP_FRAME_METHOD) continue;
            switch (frame.payload.method.id) {
                case AMQP_BASIC_ACK_METHOD: {
                    auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
                    if (ack->multiple)
                        pending.erase(pending.begin(), pending.upper_bound(ack->delivery_tag));
                    else
                        pending.erase(ack->delivery_tag);
                    break;
                }
                case AMQP_BASIC_NACK_METHOD:
                    fail("a published message was refused");
                case AMQP_BASIC_RETURN_METHOD:
                    returned = true;
                    skip_returned_content();
                    break;
                case AMQP_CHANNEL_CLOSE_METHOD:
                    fail("the channel was closed by RabbitMQ");
                case AMQP_CONNECTION_CLOSE_METHOD:
                    fail("the connection was closed by RabbitMQ");
                default:
                    break;
            }
        }
        amqp_maybe_release_buffers(conn);
        if (returned) fail("a published message had no queue to go to");
    }
};

AmqpConnection::AmqpConnection(const AmqpUrl& url, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(timeout)) {
    auto& m = *impl_;
    if (!m.conn) throw AmqpError("RabbitMQ: out of memory");
    amqp_socket_t* socket = amqp_tcp_socket_new(m.conn);
    if (!socket) m.fail("cannot create a socket");
    auto tv = to_timeval(timeout);
    m.check_status(amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &tv),
                   ("connecting to " + url.host + ":" + std::to_string(url.port)).c_str());
    // An ack followed by the next basic.get are two small writes: without this, Nagle's
    // algorithm holds the second until the broker's delayed ACK of the first (~40 ms).
    int on = 1;
    setsockopt(amqp_socket_get_sockfd(socket), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    amqp_set_handshake_timeout(m.conn, &tv);
    amqp_set_rpc_timeout(m.conn, &tv);
    // No heartbeats: this client only reads when it calls, and a dead peer shows up as
    // a failed or timed-out call.
    m.check(amqp_login(m.conn, url.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE, 0,
                       AMQP_SASL_METHOD_PLAIN, url.user.c_str(), url.password.c_str()),
            "login");
    m.logged_in = true;
    amqp_channel_open(m.conn, kChannel);
    m.check_last("opening a channel");
    amqp_confirm_select(m.conn, kChannel);
    m.check_last("turning publisher confirms on");
}

AmqpConnection::~AmqpConnection() = default;

void AmqpConnection::declare_exchange(const std::string& name) {
    amqp_exchange_declare(impl_->conn, kChannel, bytes_of(name), amqp_cstring_bytes("direct"), 0, 1,
                          0, 0, amqp_empty_table);
    impl_->check_last("declaring an exchange");
}

std::uint32_t AmqpConnection::declare_queue(const std::string& name,
                                            const std::vector<AmqpArgument>& args) {
    std::vector<amqp_table_entry_t> entries(args.size());
    for (std::size_t i = 0; i < args.size(); ++i) {
        entries[i].key = bytes_of(args[i].first);
        if (const auto* text = std::get_if<std::string>(&args[i].second)) {
            entries[i].value.kind = AMQP_FIELD_KIND_UTF8;
            entries[i].value.value.bytes = bytes_of(*text);
        } else {
            entries[i].value.kind = AMQP_FIELD_KIND_I64;
            entries[i].value.value.i64 = std::get<std::int64_t>(args[i].second);
        }
    }
    amqp_table_t table{static_cast<int>(entries.size()), entries.data()};
    auto* ok = amqp_queue_declare(impl_->conn, kChannel, bytes_of(name), 0, 1, 0, 0, table);
    impl_->check_last("declaring a queue");
    if (!ok) impl_->fail("declaring a queue: no answer");
    auto ready = ok->message_count;
    amqp_maybe_release_buffers(impl_->conn);  // the answer lives in the connection's pool
    return ready;
}

void AmqpConnection::bind(const std::string& queue, const std::string& exchange,
                          const std::string& key) {
    amqp_queue_bind(impl_->conn, kChannel, bytes_of(queue), bytes_of(exchange), bytes_of(key),
                    amqp_empty_table);
    impl_->check_last("binding a queue");
}

void AmqpConnection::publish_confirmed(const std::vector<AmqpOutgoing>& messages) {
    auto& m = *impl_;
    auto first = m.published + 1;
    for (const auto& out : messages) {
        amqp_table_entry_t headers[3];
        int count = 0;
        headers[count].key = amqp_cstring_bytes(kAttemptsHeader);
        headers[count].value.kind = AMQP_FIELD_KIND_I64;
        headers[count++].value.value.i64 = out.attempts;
        headers[count].key = amqp_cstring_bytes(kEnqueuedHeader);
        headers[count].value.kind = AMQP_FIELD_KIND_I64;
        headers[count++].value.value.i64 = out.timestamp_ms;
        if (!out.error.empty()) {
            headers[count].key = amqp_cstring_bytes(kErrorHeader);
            headers[count].value.kind = AMQP_FIELD_KIND_UTF8;
            headers[count++].value.value.bytes = bytes_of(out.error);
        }
        amqp_basic_properties_t props{};
        props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                       AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_HEADERS_FLAG;
        props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
        props.message_id = bytes_of(out.message_id);
        props.timestamp = static_cast<std::uint64_t>(out.timestamp_ms / 1000);  // seconds
        props.headers = amqp_table_t{count, headers};
        m.check_status(
            amqp_basic_publish(m.conn, kChannel, bytes_of(out.exchange), bytes_of(out.routing_key),
                               1, 0, &props, bytes_of(out.body)),
            "publishing");
        ++m.published;
    }
    if (!messages.empty()) m.wait_for_confirms(first);
}

std::optional<AmqpDelivery> AmqpConnection::get(const std::string& queue) {
    auto& m = *impl_;
    auto reply = amqp_basic_get(m.conn, kChannel, bytes_of(queue), 0);
    m.check(reply, "basic.get");
    if (reply.reply.id != AMQP_BASIC_GET_OK_METHOD) {
        amqp_maybe_release_buffers(m.conn);
        return std::nullopt;  // get-empty
    }
    AmqpDelivery d;
    const auto* ok = static_cast<amqp_basic_get_ok_t*>(reply.reply.decoded);
    d.tag = ok->delivery_tag;
    d.redelivered = ok->redelivered != 0;
    amqp_message_t message;
    m.check(amqp_read_message(m.conn, kChannel, &message, 0), "reading a message");
    d.body = string_of(message.body);
    const auto& props = message.properties;
    if (props._flags & AMQP_BASIC_MESSAGE_ID_FLAG) d.message_id = string_of(props.message_id);
    if (props._flags & AMQP_BASIC_HEADERS_FLAG) {
        for (int i = 0; i < props.headers.num_entries; ++i) {
            const auto& entry = props.headers.entries[i];
            auto key = string_of(entry.key);
            if (key == kErrorHeader && (entry.value.kind == AMQP_FIELD_KIND_UTF8 ||
                                        entry.value.kind == AMQP_FIELD_KIND_BYTES))
                d.error = string_of(entry.value.value.bytes);
            auto value = integer_of(entry.value);
            if (!value) continue;
            if (key == kAttemptsHeader) d.attempts = *value;
            if (key == kEnqueuedHeader) d.timestamp_ms = *value;
        }
    }
    amqp_destroy_message(&message);
    amqp_maybe_release_buffers(m.conn);
    return d;
}

void AmqpConnection::ack(std::uint64_t tag) {
    impl_->check_status(amqp_basic_ack(impl_->conn, kChannel, tag, 0), "basic.ack");
}

void AmqpConnection::reject(std::uint64_t tag, bool requeue) {
    impl_->check_status(amqp_basic_reject(impl_->conn, kChannel, tag, requeue ? 1 : 0),
                        "basic.reject");
}

}  // namespace mindme::queue
