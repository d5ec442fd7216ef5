// One WebSocket session on its connection's event loop: a reader (control frames,
// client messages), a writer (the queued messages, in order) and a ticker (notices
// the server's drain), joined so the session ends when all three have. send() and
// close() come from any thread and post to the loop.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

#include "core/log.hpp"
#include "http/websocket_internal.hpp"

namespace mindme::http::detail {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kTick{1};
// How long a close handshake may take before the connection is simply dropped.
constexpr std::chrono::seconds kCloseGrace{2};

class Session final : public WebSocketSession, public std::enable_shared_from_this<Session> {
public:
    Session(Socket& socket, beast::flat_buffer& buffer, const ServerOptions& options,
            core::Lifecycle& lifecycle)
        : ws_(socket),
          buffer_(buffer),
          wake_(socket.get_executor()),
          resume_(socket.get_executor()),
          ticker_(socket.get_executor()),
          max_queued_(options.websocket_max_queued),
          write_timeout_(options.write_timeout),
          lifecycle_(lifecycle) {
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = options.write_timeout;
        timeouts.idle_timeout = options.websocket_idle_timeout;
        timeouts.keep_alive_pings = true;  // a ping at half the idle time
        ws_.set_option(timeouts);
        ws_.read_message_max(options.websocket_max_message_bytes);
        // A message goes out as one frame: fewer writes than Beast's 4 KiB fragments.
        ws_.auto_fragment(false);
        wake_.expires_at(Clock::time_point::max());
    }

    bool send(std::string text) override { return enqueue(std::move(text), false); }
    bool send_binary(std::string data) override { return enqueue(std::move(data), true); }
    std::size_t queued() const override { return queued_.load(); }

    void pause_reading(bool paused) override {
        paused_ = paused;
        if (!paused)
            asio::post(ws_.get_executor(), [self = shared_from_this()] { self->resume_.cancel(); });
    }

    bool enqueue(std::string data, bool binary) {
        if (closing_.load()) return false;
        if (queued_.fetch_add(1) >= max_queued_) {
            queued_.fetch_sub(1);
            abort("slow_reader");
            return false;
        }
        asio::post(ws_.get_executor(),
                   [self = shared_from_this(), d = std::move(data), binary]() mutable {
                       self->queue_.push_back({std::move(d), binary});
                       self->wake_.cancel();
                   });
        return true;
    }

    void close(CloseCode code, std::string reason) override {
        if (closing_.exchange(true)) return;
        asio::post(ws_.get_executor(), [self = shared_from_this(), code, r = std::move(reason)] {
            self->close_code_ = code;
            self->close_reason_ = r;
            self->wake_.cancel();
            self->resume_.cancel();
        });
    }

    asio::awaitable<bool> accept(beast::http::request<beast::http::string_body>& request) {
        auto [ec] = co_await ws_.async_accept(request, kUseTuple);
        co_return !ec;
    }

    asio::awaitable<void> run(WebSocketHandler& handler) {
        co_await (read_loop(handler) && write_loop(handler) && watch());
    }

    const char* end_reason() const { return end_reason_; }

private:
    // The peer is not reading: drop the connection (a close frame would queue behind
    // what it does not read).
    void abort(const char* reason) {
        if (closing_.exchange(true)) return;
        asio::post(ws_.get_executor(), [self = shared_from_this(), reason] {
            self->end_reason_ = reason;
            self->drop();
            self->wake_.cancel();
            self->resume_.cancel();
        });
    }

    asio::awaitable<void> read_loop(WebSocketHandler& handler) {
        for (;;) {
            auto [ec, n] = co_await ws_.async_read(buffer_, kUseTuple);
            if (ec) {
                if (ec == websocket::error::closed && !closing_.load()) end_reason_ = "client";
                if (ec == websocket::error::message_too_big) end_reason_ = "message_too_big";
                break;
            }
            auto data = buffer_.cdata();
            std::string_view message(static_cast<const char*>(data.data()), n);
            if (ws_.got_binary() && handler.on_binary) {
                handler.on_binary(shared_from_this(), message);
            } else if (handler.on_message) {
                handler.on_message(shared_from_this(), message);
            }
            buffer_.consume(n);
            while (paused_.load() && !closing_.load()) {
                resume_.expires_at(Clock::time_point::max());
                co_await resume_.async_wait(kUseTuple);
            }
        }
        done_ = true;
        wake_.cancel();
        if (write_done_) ticker_.cancel();
    }

    asio::awaitable<void> write_loop(WebSocketHandler& handler) {
        while (!done_) {
            if (!queue_.empty()) {
                auto message = std::move(queue_.front());
                queue_.pop_front();
                write_started_ = Clock::now();
                ws_.binary(message.binary);
                auto [ec, n] = co_await ws_.async_write(asio::buffer(message.data), kUseTuple);
                write_started_.reset();
                queued_.fetch_sub(1);
                if (ec) {
                    closing_ = true;  // the peer is gone: a paused reader must not wait for it
                    resume_.cancel();
                    break;
                }
                if (queue_.empty() && handler.on_drained) handler.on_drained(shared_from_this());
                continue;
            }
            if (close_code_) {
                websocket::close_reason reason(static_cast<websocket::close_code>(*close_code_),
                                               close_reason_);
                co_await ws_.async_close(reason, kUseTuple);  // the reader sees the end
                if (end_reason_ == std::string_view("client")) end_reason_ = "server";
                break;
            }
            wake_.expires_at(Clock::time_point::max());
            co_await wake_.async_wait(kUseTuple);
        }
        write_done_ = true;
        if (done_) ticker_.cancel();
    }

    // Once a second: the server's drain (close with 1001), a write the peer has not
    // taken for write_timeout (a slow reader), a close handshake the peer ignores — until
    // the reader and the writer both ended (a close may outlive the reader).
    asio::awaitable<void> watch() {
        while (!done_ || !write_done_) {
            auto now = Clock::now();
            if (lifecycle_.draining() && !close_code_ && !closing_.load()) {
                close(CloseCode::kGoingAway, "the server is restarting");
                end_reason_ = "draining";
            }
            if (write_started_ && now - *write_started_ > write_timeout_) {
                closing_ = true;
                end_reason_ = "slow_reader";
                drop();
            }
            if (closing_.load() && !close_seen_) close_seen_ = now;
            if (close_seen_ && now - *close_seen_ > kCloseGrace) {
                drop();
                resume_.cancel();
            }
            ticker_.expires_after(kTick);
            co_await ticker_.async_wait(kUseTuple);
        }
    }

    void drop() {
        boost::system::error_code ignored;
        beast::get_lowest_layer(ws_).close(ignored);
    }

    websocket::stream<Socket&> ws_;
    beast::flat_buffer& buffer_;
    struct Outgoing {
        std::string data;
        bool binary = false;
    };

    asio::steady_timer wake_;
    asio::steady_timer resume_;  // a paused reader waits on it
    asio::steady_timer ticker_;
    std::size_t max_queued_;
    std::chrono::milliseconds write_timeout_;
    core::Lifecycle& lifecycle_;
    std::atomic<std::size_t> queued_{0};
    std::atomic<bool> closing_{false};
    std::atomic<bool> paused_{false};
    // Loop-thread state.
    std::deque<Outgoing> queue_;
    std::optional<CloseCode> close_code_;
    std::string close_reason_;
    bool done_ = false;        // the reader ended
    bool write_done_ = false;  // the writer ended
    std::optional<Clock::time_point> write_started_;
    std::optional<Clock::time_point> close_seen_;
    const char* end_reason_ = "client";
};

}  // namespace

asio::awaitable<void> run_websocket(Shared& s, Socket& socket, beast::flat_buffer& buffer,
                                    beast::http::request<beast::http::string_body>& request,
                                    std::shared_ptr<WebSocketHandler> handler) {
    auto session = std::make_shared<Session>(socket, buffer, s.options, s.lifecycle);
    if (!co_await session->accept(request)) co_return;
    // A small kernel buffer: a reader that falls behind shows in the session's queue
    // (and is dropped) instead of parking megabytes in the kernel per socket.
    boost::system::error_code ignored;
    socket.set_option(asio::socket_base::send_buffer_size(
                          static_cast<int>(s.options.websocket_send_buffer_bytes)),
                      ignored);
    s.metrics.websockets_open.add(1);
    if (handler->on_open) handler->on_open(session);
    co_await session->run(*handler);
    session->close(CloseCode::kNormal, "");  // refuse later sends
    if (handler->on_close) handler->on_close(session);
    s.metrics.websockets_open.add(-1);
    s.metrics.websockets_closed.with({session->end_reason()}).inc();
}

}  // namespace mindme::http::detail
