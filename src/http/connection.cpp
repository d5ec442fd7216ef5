// One connection's request loop: read a head (within the head deadline), check
// limits, read the body, run the handler, write the response, and repeat while the
// connection is kept alive. Pipelined requests are answered in order because the
// loop reads the next request only after writing the previous response.
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>

#include "core/http_date.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "http/framing.hpp"
#include "http/response_head.hpp"
#include "http/router.hpp"
#include "http/server_internal.hpp"
#include "http/streamed_body.hpp"
#include "http/transfer_deadline.hpp"
#include "http/websocket_internal.hpp"

namespace mindme::http::detail {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kFileChunk = 64 * 1024;
// A large body is written in pieces of this size, each with its own deadline.
constexpr std::size_t kWritePiece = 256 * 1024;
// Bodies up to this size are copied behind the head so the response is one write.
constexpr std::size_t kInlineBody = 16 * 1024;
// After an early error (413 from Content-Length) the client is usually still sending the
// body it announced; closing with unread bytes resets the connection and destroys the
// answer before the client reads it. So the rest is read and dropped, up to a bound that
// covers any body a client sends without `Expect: 100-continue`.
constexpr std::size_t kLingerBytes = 64 * 1024 * 1024;
constexpr std::chrono::milliseconds kLingerTime{5000};
constexpr std::size_t kMaxRequestIdLength = 128;
constexpr std::size_t kLoggedPathLength = 512;
constexpr std::size_t kRequestIdBytes = 11;  // 15 characters: no heap allocation

class ScopeExit {
public:
    explicit ScopeExit(std::function<void()> f) : f_(std::move(f)) {}
    ~ScopeExit() { f_(); }
    ScopeExit(const ScopeExit&) = delete;
    ScopeExit& operator=(const ScopeExit&) = delete;

private:
    std::function<void()> f_;
};

const std::string& date_header(Loop& loop) {
    auto now = std::time(nullptr);
    if (now != loop.date_second) {
        loop.date_second = now;
        loop.date_text = core::format_http_date(now);
    }
    return loop.date_text;
}

bool valid_request_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxRequestIdLength) return false;
    for (char c : id)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

// How the server ends a connection after a response.
enum class Close { kNo, kGraceful, kLinger };

// One request and its response, from the arrival of the head to the last byte written:
// what each step of the connection's loop reads and fills in.
struct Exchange {
    bhttp::request_parser<bhttp::string_body> parser;
    std::optional<StreamedBody> streamed;  // an upload the handler reads itself
    bool head_read = false;                // the head parsed without error
    bool keep_alive_asked = false;
    Clock::time_point started;
    Request request;
    Response response;
    Close close = Close::kNo;
    bool head_only = false;
    std::uint64_t body_bytes = 0;
};

void count_close(Shared& s, Loop& loop, const std::string& reason) {
    auto& c = loop.close_reasons[reason];
    if (!c) c = &s.metrics.closed.with({reason});
    c->inc();
}

// The error of an operation that the deadline sweep cut short is reported as a
// timeout, whatever the socket said.
bool timed_out(const Connection& conn) { return conn.expired != nullptr; }

// Puts the head (and a small body) into `out`. Returns true when `out` is the whole
// response; otherwise the body follows from res.body or the file (write_rest).
bool prepare_response(Loop& loop, Exchange& x, bool keep_alive, std::string& out) {
    auto& res = x.response;
    std::uint64_t length = res.file ? res.file->length : res.body.size();
    bool send_body = status_has_body(res.status) && !x.head_only;
    out.clear();
    append_response_head(
        out, res, {x.request.version, keep_alive, date_header(loop), x.request.request_id, length});
    if (!send_body || length == 0) return true;
    if (!res.file && res.body.size() <= kInlineBody) {
        out += res.body;
        x.body_bytes = length;
        return true;
    }
    return false;
}

// Writes the head in `out`, then the large body or the file slice, a piece at a time,
// each within the transfer deadline (TransferDeadline): a client that reads slowly or
// not at all is cut off instead of holding its reply for as long as it likes.
asio::awaitable<boost::system::error_code> write_rest(Shared& s, Connection& conn, Exchange& x,
                                                      const std::string& out) {
    auto& res = x.response;
    auto& socket = *conn.socket;
    TransferDeadline deadline{Clock::now(), s.options.write_timeout, s.options.min_rate};
    if (!res.file) {
        // The head goes out with the first piece, in one write.
        std::string_view body = res.body;
        std::string_view head = out;
        while (!body.empty()) {
            auto piece = body.substr(0, kWritePiece);
            conn.expires_after(deadline.next_wait(x.body_bytes, Clock::now()), "write_timeout");
            std::array<asio::const_buffer, 2> parts{asio::buffer(head.data(), head.size()),
                                                    asio::buffer(piece.data(), piece.size())};
            auto [ec, n] = co_await asio::async_write(socket, parts, kUseTuple);
            if (ec) co_return ec;
            head = {};
            body.remove_prefix(piece.size());
            x.body_bytes += piece.size();
        }
        co_return boost::system::error_code{};
    }
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(out), kUseTuple);
    if (ec) co_return ec;
    // Stream the file slice. Reads come from the page cache in practice; a read
    // error mid-body can only be signalled by closing the connection.
    std::uint64_t left = res.file->length;
    std::vector<char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(left, kFileChunk)));
    std::uint64_t offset = res.file->offset;
    while (left > 0) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
        auto got = ::pread(res.file->file->fd(), chunk.data(), want, static_cast<off_t>(offset));
        if (got <= 0)
            co_return boost::system::error_code(got == 0 ? EIO : errno,
                                                boost::system::system_category());
        conn.expires_after(deadline.next_wait(x.body_bytes, Clock::now()), "write_timeout");
        auto [wec, wn] = co_await asio::async_write(
            socket, asio::buffer(chunk.data(), static_cast<std::size_t>(got)), kUseTuple);
        if (wec) co_return wec;
        offset += static_cast<std::uint64_t>(got);
        left -= static_cast<std::uint64_t>(got);
        x.body_bytes += static_cast<std::uint64_t>(got);
    }
    co_return boost::system::error_code{};
}

void record(Shared& s, Loop& loop, const Exchange& x) {
    const RouteInfo* route = x.request.route ? x.request.route : &unmatched_route();
    auto seconds = std::chrono::duration<double>(Clock::now() - x.started).count();
    auto key = std::make_tuple(route, std::string(x.request.method), x.response.status);
    auto& counter = loop.request_counters[key];
    if (!counter)
        counter = &s.metrics.requests.with(
            {route->label, std::get<1>(key), std::to_string(x.response.status)});
    counter->inc();
    auto& histogram = loop.durations[route];
    if (!histogram) histogram = &s.metrics.duration.with({route->label});
    histogram->observe(seconds);

    if (!s.options.access_log || !core::log::access_enabled()) return;
    thread_local core::log::Fields f;  // its memory serves every request of this loop
    f.clear();
    f.add("method", x.request.method)
        .add("target", loggable_target(x.request.target, kLoggedPathLength))
        .add("route", route->label)
        .add("status", x.response.status)
        .add("bytes", x.body_bytes)
        .add("duration_ms", seconds * 1000.0)
        .add("client",
             x.request.client_address.empty() ? x.request.remote_address : x.request.client_address)
        .add("request_id", x.request.request_id);
    if (auto ua = x.request.header("User-Agent")) f.add("user_agent", ua->substr(0, 256));
    core::log::access(f);
}

// Shuts down our side and drains what the peer still sends for a moment, so that an
// early error response (413, 431) is not destroyed by a reset.
asio::awaitable<void> linger_close(Connection& conn) {
    boost::system::error_code ec;
    conn.socket->shutdown(tcp::socket::shutdown_send, ec);
    conn.expires_after(kLingerTime, "linger");
    std::array<char, 8192> sink{};
    std::size_t drained = 0;
    while (drained < kLingerBytes) {
        auto [rec, n] = co_await conn.socket->async_read_some(asio::buffer(sink), kUseTuple);
        if (rec) break;
        drained += n;
    }
    conn.socket->close(ec);
}

template <class Body>
void fill_request(Request& req, bhttp::request<Body>& m) {
    req.method = m.method_string();
    req.target = m.target();
    auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.query = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
    for (const auto& field : m) req.headers.emplace_back(field.name_string(), field.value());
    if constexpr (std::is_same_v<Body, bhttp::string_body>) req.body = std::move(m.body());
    req.version = m.version();
}

Response protocol_error(core::ErrorCode code, std::string_view message) {
    auto r = Response::error(code, message);
    r.close = true;
    return r;
}

std::string too_large(std::string_view what, std::uint64_t limit) {
    return "the request " + std::string(what) + " exceeds " + std::to_string(limit) + " bytes";
}

bool is_disconnect(const boost::system::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
           ec == asio::error::bad_descriptor;
}

// A large reply's bytes counted against server.max_unsent_bytes while it is written: a
// process-wide bound on what slow or absent readers can make the server hold. Small
// replies and files (read from disk a piece at a time) do not count.
class UnsentBytes {
public:
    UnsentBytes() = default;
    UnsentBytes(const UnsentBytes&) = delete;
    UnsentBytes& operator=(const UnsentBytes&) = delete;
    ~UnsentBytes() {
        if (bytes_ == 0) return;
        s_->unsent.fetch_sub(bytes_, std::memory_order_relaxed);
        s_->metrics.unsent_bytes.add(-static_cast<double>(bytes_));
    }

    // False: the reply would pass the budget. A reply goes anyway when nothing else is
    // waiting, so one larger than the whole budget is not refused for ever.
    bool reserve(Shared& s, const Response& res) {
        auto size = res.body.size();
        if (res.file || size <= kInlineBody) return true;
        auto before = s.unsent.fetch_add(size, std::memory_order_relaxed);
        if (before > 0 && before + size > s.options.max_unsent_bytes) {
            s.unsent.fetch_sub(size, std::memory_order_relaxed);
            return false;
        }
        s_ = &s;
        bytes_ = size;
        s.metrics.unsent_bytes.add(static_cast<double>(size));
        return true;
    }

private:
    Shared* s_ = nullptr;
    std::uint64_t bytes_ = 0;
};

Response over_unsent_budget() {
    auto r = Response::error(core::ErrorCode::kUnavailable,
                             "the server holds too many replies its clients have not read yet; "
                             "retry shortly");
    r.set_header("Retry-After", "1");
    return r;
}

// One connection's request loop, in the steps of an exchange: wait for a request, read
// its head, check it against the limits, read its body, dispatch it, write the answer.
class ConnectionLoop {
public:
    ConnectionLoop(Shared& s, Loop& loop, Connection& conn, std::string remote)
        : s_(s), loop_(loop), conn_(conn), socket_(*conn.socket), remote_(std::move(remote)) {}

    // Serves requests until the connection ends; returns how to close it. The awaits of
    // a plain keep-alive request stay in this frame (a coroutine per step cost a frame
    // each: 4 % of a tiny request's CPU, bench/http_baseline.sh); the steps around them
    // are plain functions.
    asio::awaitable<Close> run() {
        Close close = Close::kNo;
        while (close == Close::kNo) {
            if (conn_.buffer.size() == 0) {
                if (!go_idle()) break;
                auto [wec] = co_await socket_.async_wait(tcp::socket::wait_read, kUseTuple);
                auto woken = read_arrival(wec);
                if (woken == Arrival::kNone) continue;
                if (woken == Arrival::kClosed) break;
            }
            conn_.idle = false;
            Exchange x;
            expect_head(x);
            auto [hec, hn] =
                co_await bhttp::async_read_header(socket_, conn_.buffer, x.parser, kUseTuple);
            if (!head_arrived(x, hec)) break;
            s_.metrics.in_flight.add(1);
            ScopeExit in_flight([&] { s_.metrics.in_flight.add(-1); });
            if (x.head_read && check_head(x) && !co_await read_body(x)) break;
            conn_.no_deadline();
            complete_request(x);
            if (x.close == Close::kNo) {
                try {
                    x.response = co_await s_.handler(x.request);
                } catch (const core::ApiError& e) {
                    x.response = Response::error(e);
                } catch (const std::exception& e) {
                    x.response = handler_failed(x, e);
                }
                x.head_only = x.request.method == "HEAD";
            }
            if (x.response.websocket_handler) {
                if (x.head_read && !x.streamed && websocket::is_upgrade(x.parser.get())) {
                    co_await upgrade(x);
                    co_return Close::kGraceful;
                }
                x.response = Response::error(core::ErrorCode::kBadRequest,
                                             "this route takes a WebSocket upgrade");
            }
            UnsentBytes unsent;
            if (!unsent.reserve(s_, x.response)) x.response = over_unsent_budget();
            boost::system::error_code wec;
            if (prepare_answer(x)) {
                auto sent = write_now(wec);
                if (!wec && sent < conn_.out.size()) {
                    auto [e, n] = co_await asio::async_write(
                        socket_, asio::buffer(conn_.out.data() + sent, conn_.out.size() - sent),
                        kUseTuple);
                    wec = e;
                }
                if (wec) x.body_bytes = 0;
            } else {
                wec = co_await write_rest(s_, conn_, x, conn_.out);
            }
            close = answered(x, wec);
        }
        co_return close;
    }

private:
    // Idle: the connection waits for readability with no read pending, so the sweep may
    // release its buffer (Connection::buffer). False: draining, close instead.
    bool go_idle() {
        conn_.idle = true;
        if (loop_.draining) return false;
        conn_.expires_after(s_.options.idle_timeout, "idle_timeout");
        conn_.idle_since = *conn_.ticks;
        return true;
    }

    enum class Arrival { kData, kNone, kClosed };

    // Woken while idle: reads what arrived. kNone: a spurious wake-up.
    Arrival read_arrival(boost::system::error_code ec) {
        std::size_t n = 0;
        // Woken by a deadline (the drain's, or the idle timeout): a request that arrived
        // meanwhile is still answered.
        if (ec == asio::error::operation_aborted && timed_out(conn_)) {
            boost::system::error_code available_ec;
            if (socket_.available(available_ec) > 0 && !available_ec) {
                ec = {};
                conn_.answer_expiry();
            }
        }
        if (!ec) n = socket_.read_some(conn_.buffer.prepare(8192), ec);
        if (ec == asio::error::would_block) return Arrival::kNone;
        if (ec) {
            if (timed_out(conn_)) count_close(s_, loop_, conn_.expired);
            return Arrival::kClosed;
        }
        conn_.buffer.commit(n);
        return Arrival::kData;
    }

    // The head is read within server.head_timeout_seconds, up to http.max_head_bytes.
    void expect_head(Exchange& x) {
        x.parser.header_limit(static_cast<std::uint32_t>(s_.options.max_head_bytes));
        x.parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        conn_.expires_after(s_.options.head_timeout, "head_timeout");
    }

    // After the head's read: a head too large or malformed is answered (x.response) and
    // the connection closed after; false: close at once (timed out, or the peer left).
    bool head_arrived(Exchange& x, const boost::system::error_code& ec) {
        x.request.remote_address = remote_;
        x.started = Clock::now();
        if (ec && timed_out(conn_)) {
            count_close(s_, loop_, conn_.expired);
            return false;
        }
        if (is_disconnect(ec)) return false;
        if (ec == bhttp::error::header_limit) {
            refuse(x, core::ErrorCode::kHeaderTooLarge,
                   too_large("head", s_.options.max_head_bytes));
        } else if (ec) {
            refuse(x, core::ErrorCode::kBadRequest, "malformed request: " + ec.message());
        } else {
            x.head_read = true;
        }
        return true;
    }

    // Checks the head against the limits and decides how the body arrives: streamed to
    // the handler (an upload route), or read whole here. True: a whole body is to read.
    bool check_head(Exchange& x) {
        auto& head = x.parser.get();
        x.keep_alive_asked = head.keep_alive();
        auto given_id = head["X-Request-Id"];
        if (valid_request_id(given_id)) x.request.request_id = std::string(given_id);
        auto target = head.target();
        if (target.empty() || target.front() != '/') {
            refuse(x, core::ErrorCode::kBadRequest, "the request target must be an absolute path");
            return false;
        }
        if (auto framing = framing_error(head)) {
            refuse(x, framing->first, framing->second);
            return false;
        }
        auto length = x.parser.content_length();
        if (s_.options.streamed_body_limit) {
            auto limit = s_.options.streamed_body_limit(head.method_string(),
                                                        target.substr(0, target.find('?')));
            if (limit) {
                if (length && *length > *limit)
                    refuse(x, core::ErrorCode::kPayloadTooLarge, too_large("body", *limit));
                else
                    x.streamed.emplace(s_, conn_, std::move(x.parser), *limit);
                return false;
            }
        }
        if (length && *length > s_.options.max_body_bytes) {
            refuse(x, core::ErrorCode::kPayloadTooLarge,
                   too_large("body", s_.options.max_body_bytes));
            return false;
        }
        return !x.parser.is_done();
    }

    // Reads a whole body of at most http.max_body_bytes within server.body_timeout_seconds.
    // False: the body broke off or stalled, and the connection closes without an answer.
    asio::awaitable<bool> read_body(Exchange& x) {
        x.parser.body_limit(s_.options.max_body_bytes);
        if (beast::iequals(x.parser.get()[bhttp::field::expect], "100-continue"))
            co_await send_continue(s_, conn_);
        conn_.expires_after(s_.options.body_timeout, "body_timeout");
        auto [ec, n] = co_await bhttp::async_read(socket_, conn_.buffer, x.parser, kUseTuple);
        if (ec == bhttp::error::body_limit) {
            refuse(x, core::ErrorCode::kPayloadTooLarge,
                   too_large("body", s_.options.max_body_bytes));
        } else if (ec && timed_out(conn_)) {
            // Answered, as nginx's client_body_timeout is.
            count_close(s_, loop_, conn_.expired);
            conn_.answer_expiry();
            refuse(x, core::ErrorCode::kRequestTimeout, "the body did not arrive in time");
        } else if (is_disconnect(ec) || ec == bhttp::error::partial_message) {
            count_close(s_, loop_, "body_error");
            co_return false;
        } else if (ec) {
            // A malformed body (a bad chunk size, an overflowing one) is answered, not
            // met with a silent close.
            refuse(x, core::ErrorCode::kBadRequest, "malformed body: " + ec.message());
        }
        co_return true;
    }

    // The request as handlers see it: id, head fields, body, deadline.
    void complete_request(Exchange& x) {
        if (x.request.request_id.empty()) x.request.request_id = core::random_id(kRequestIdBytes);
        if (x.streamed) {
            fill_request(x.request, x.streamed->message());
            x.request.body_stream = &*x.streamed;
        } else if (x.head_read) {
            fill_request(x.request, x.parser.get());
        }
        x.request.deadline = request_deadline(x.started, s_.options.request_timeout,
                                              x.request.header("X-Request-Timeout-Ms"));
    }

    // A handler that failed other than with an ApiError: logged, answered 500.
    static Response handler_failed(const Exchange& x, const std::exception& e) {
        core::log::error(
            "handler failed",
            core::log::Fields().add("error", e.what()).add("request_id", x.request.request_id));
        return Response::error(core::ErrorCode::kInternal, "internal error");
    }

    // Hands the connection to the WebSocket session the handler accepted.
    asio::awaitable<void> upgrade(Exchange& x) {
        record(s_, loop_, x);
        auto handler = std::move(x.response.websocket_handler);
        x.response.hold_until_sent.reset();
        co_await run_websocket(s_, socket_, conn_.buffer, x.parser.get(), std::move(handler));
    }

    // Decides whether the connection stays open and puts the response head (and a small
    // body) into conn_.out. True: conn_.out is the whole response (the common case);
    // otherwise a large body or a file follows (write_rest).
    bool prepare_answer(Exchange& x) {
        // A streamed body the handler did not read to its end leaves the connection out
        // of step: answer, then close (lingering, so the client still sending does not
        // destroy the answer with a reset).
        if (x.streamed && !x.streamed->complete() && x.close == Close::kNo)
            x.close = Close::kLinger;
        bool keep_alive = x.close == Close::kNo && !x.response.close && x.keep_alive_asked &&
                          !loop_.draining && !s_.lifecycle.draining();
        if (x.close == Close::kNo && !keep_alive) x.close = Close::kGraceful;
        conn_.expires_after(s_.options.write_timeout, "write_timeout");
        return prepare_response(loop_, x, keep_alive, conn_.out);
    }

    // Writes what the socket takes of conn_.out at once (usually all of it); returns
    // how much. The rest waits in an asynchronous write.
    std::size_t write_now(boost::system::error_code& ec) {
        auto sent = socket_.write_some(asio::buffer(conn_.out), ec);
        if (ec == asio::error::would_block) {
            ec = {};
            return 0;
        }
        return sent;
    }

    // After the response's write: records it; returns how the connection goes on.
    Close answered(Exchange& x, const boost::system::error_code& ec) {
        x.response.hold_until_sent.reset();
        conn_.no_deadline();
        record(s_, loop_, x);
        if (ec) {
            count_close(s_, loop_, timed_out(conn_) ? conn_.expired : "write_error");
            return Close::kGraceful;
        }
        if (x.close == Close::kLinger) count_close(s_, loop_, "protocol_error");
        return x.close;
    }

    // An error found before the handler: answered, then the connection closes.
    static void refuse(Exchange& x, core::ErrorCode code, std::string_view message) {
        x.response = protocol_error(code, message);
        x.close = Close::kLinger;
    }

    Shared& s_;
    Loop& loop_;
    Connection& conn_;
    Socket& socket_;
    std::string remote_;
};

}  // namespace

HttpMetrics::HttpMetrics(metrics::Registry& registry)
    : requests(registry.counter_family("http_requests_total", "HTTP requests answered.",
                                       {"route", "method", "status"})),
      duration(registry.histogram_family("http_request_duration_seconds",
                                         "Time from a complete request head to the last "
                                         "byte of the response.",
                                         {"route"})),
      connections_open(registry.gauge("http_connections_open", "Open client connections.")),
      in_flight(registry.gauge("http_requests_in_flight",
                               "Requests received and not yet fully answered.")),
      closed(registry.counter_family("http_connections_closed_total",
                                     "Connections closed by the server, by reason.", {"reason"})),
      websockets_open(registry.gauge("websocket_sessions_open", "Open WebSocket sessions.")),
      websockets_closed(registry.counter_family(
          "websocket_sessions_closed_total",
          "WebSocket sessions ended, by reason (client, server, draining, slow_reader, "
          "message_too_big).",
          {"reason"})),
      unsent_bytes(registry.gauge("http_response_bytes_unsent",
                                  "Bytes of large replies not yet taken by their clients "
                                  "(bounded by server.max_unsent_bytes).")) {}

asio::awaitable<void> serve_connection(Shared& s, Loop& loop, Socket socket) {
    Connection conn{&socket, &loop.ticks};
    loop.connections.insert(&conn);
    s.metrics.connections_open.add(1);
    s.connections.fetch_add(1, std::memory_order_relaxed);
    ScopeExit cleanup([&] {
        loop.connections.erase(&conn);
        s.metrics.connections_open.add(-1);
        s.connections.fetch_sub(1, std::memory_order_relaxed);
        if (loop.draining && loop.connections.empty()) loop.drain_timer.cancel();
    });

    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    auto peer = socket.remote_endpoint(ec);
    Close close = Close::kNo;
    try {
        ConnectionLoop requests(s, loop, conn, ec ? std::string() : peer.address().to_string());
        close = co_await requests.run();
    } catch (const std::exception& e) {
        core::log::error("connection failed", core::log::Fields().add("error", e.what()));
    }

    if (close == Close::kLinger && !timed_out(conn)) {
        co_await linger_close(conn);
    } else {
        socket.shutdown(tcp::socket::shutdown_send, ec);
        socket.close(ec);
    }
}

}  // namespace mindme::http::detail
