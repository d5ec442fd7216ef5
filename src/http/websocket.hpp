#pragma once
// Server-side WebSocket sessions (RFC 6455) for handlers, without Beast types. A
// handler answers an upgrade request with Response::websocket(handler); the server
// then completes the handshake on that connection and runs the session on the
// connection's event loop: pings keep idle connections checked, messages queued with
// send() are written in order, and a session whose queue overflows (a slow reader)
// is closed rather than allowed to grow. A handler that streams (voice) keeps its own
// pace instead: it watches queued() and on_drained, and pauses reading the client while
// it cannot take more.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mindme::http {

// Close codes the server uses (RFC 6455 §7.4.1).
enum class CloseCode : std::uint16_t {
    kNormal = 1000,
    kGoingAway = 1001,        // the server is draining
    kPolicyViolation = 1008,  // e.g. the credentials were revoked, or a broken protocol
    kTooBig = 1009,
    kInternalError = 1011,  // the server (or what it relays) failed
    kTryAgainLater = 1013,  // the client did not keep up with its messages, or no capacity
};

// The server's side of one open session. Every member may be called from any thread.
class WebSocketSession {
public:
    virtual ~WebSocketSession() = default;
    // Queues a text message. False when the session is closed, or when the queue was
    // full — the session is then closed with kTryAgainLater.
    virtual bool send(std::string text) = 0;
    // The same for a binary message.
    virtual bool send_binary(std::string data) = 0;
    virtual void close(CloseCode code, std::string reason) = 0;
    // Messages queued and not yet written.
    virtual std::size_t queued() const = 0;
    // While paused, the client's next messages are not read: TCP holds the client back.
    virtual void pause_reading(bool paused) = 0;
};

struct WebSocketHandler {
    // The session is open; keep the pointer to send to it later.
    std::function<void(std::shared_ptr<WebSocketSession>)> on_open;
    // A text message from the client (optional); binary ones too when on_binary is unset.
    std::function<void(std::shared_ptr<WebSocketSession>, std::string_view)> on_message;
    // A binary message from the client (optional).
    std::function<void(std::shared_ptr<WebSocketSession>, std::string_view)> on_binary;
    // Every queued message was written (optional): a paced sender may go on.
    std::function<void(std::shared_ptr<WebSocketSession>)> on_drained;
    // The session ended, however it ended (always called once after on_open).
    std::function<void(std::shared_ptr<WebSocketSession>)> on_close;
};

}  // namespace mindme::http
