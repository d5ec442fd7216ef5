#pragma once
// The HTTP/1.1 server: `threads` event loops, each an io_context with its own
// SO_REUSEPORT acceptor, so a connection lives and dies on one thread. It owns the
// protocol rules every route shares: keep-alive and pipelining, head/body/idle/write
// deadlines, size limits, X-Request-Id, the API error shape for protocol errors,
// request metrics and the access log, and the graceful drain on shutdown.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/lifecycle.hpp"
#include "http/message.hpp"
#include "metrics/fwd.hpp"

namespace mindme::http {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 picks a free port (see local_port())
    int threads = 1;
    std::chrono::milliseconds head_timeout{10'000};
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds body_timeout{60'000};
    std::chrono::milliseconds write_timeout{60'000};
    // A body read or a large reply written slower than this on average, after a first
    // body or write timeout of grace, is cut off (TransferDeadline). 0: no rate rule.
    std::uint64_t min_rate = 1024;
    // Large replies written at once, in bytes, across the process; past it a reply is
    // answered 503 instead of being held for a client that is not reading.
    std::uint64_t max_unsent_bytes = 256ull * 1024 * 1024;
    std::size_t max_head_bytes = 16 * 1024;
    std::uint64_t max_body_bytes = 1024 * 1024;
    // Between the stop signal and closing the listeners: /health already answers
    // 503 but requests are still accepted, so a load balancer can take us out.
    std::chrono::milliseconds drain_delay{0};
    // Longest wait for in-flight requests once the listeners are closed.
    std::chrono::milliseconds drain_timeout{30'000};
    // How long an idle keep-alive connection may still send one request in a drain.
    std::chrono::milliseconds drain_idle{2'000};
    // Longest a request may take; clients may ask for less (X-Request-Timeout-Ms).
    std::chrono::milliseconds request_timeout{30'000};
    bool access_log = true;
    // Routes whose body the handler reads as a stream (Request::body_stream), with
    // their own limit instead of max_body_bytes: uploads. Unset: none.
    std::function<std::optional<std::uint64_t>(std::string_view method, std::string_view path)>
        streamed_body_limit;
    // WebSocket sessions: messages waiting to be written before the peer counts as a
    // slow reader and is dropped; silence after which a ping goes out (at half) and
    // the peer is dropped (at all of it); the largest message a client may send.
    std::size_t websocket_max_queued = 256;
    std::chrono::milliseconds websocket_idle_timeout{60'000};
    std::size_t websocket_max_message_bytes = 64 * 1024;
    std::size_t websocket_send_buffer_bytes = 64 * 1024;  // the socket's SO_SNDBUF
};

class Server {
public:
    Server(ServerOptions options, Handler handler, metrics::Registry& registry,
           core::Lifecycle& lifecycle);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds every listener (throws std::system_error naming the address on failure)
    // and starts the event-loop threads.
    void start();
    std::uint16_t local_port() const;
    // Begins the graceful stop; returns at once. Safe from any thread.
    void drain();
    // Blocks until every event loop has finished.
    void wait();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::http
