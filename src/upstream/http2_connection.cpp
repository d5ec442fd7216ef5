#include "upstream/http2_connection.hpp"

#include <nghttp2/nghttp2.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <cstring>
#include <deque>
#include <map>

#include "core/text.hpp"
#include "upstream/connection.hpp"

namespace mindme::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Kind = UpstreamError::Kind;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadBuffer = 64 * 1024;
constexpr std::size_t kWriteBatch = 64 * 1024;
}  // namespace

// A stream's state, on the connection's executor.
struct Http2Stream::State {
    explicit State(asio::any_io_executor executor) : reader(executor), writer(executor) {}

    // Wakes whoever waits on this stream (a reader or status, and a writer).
    void notify() {
        reader.cancel();
        writer.cancel();
    }
    // Waits on `signal` for a notify() or `deadline`; false when the deadline passed. The
    // reader and the writer wait on timers of their own: re-arming one timer cancels its
    // waiter, so two sides sharing one would wake each other without end.
    static asio::awaitable<bool> wait(asio::steady_timer& signal, Clock::time_point deadline) {
        signal.expires_at(deadline);
        co_await signal.async_wait(kAwait);
        co_return Clock::now() < deadline;
    }

    std::shared_ptr<Http2Connection> connection;  // kept alive while the stream is
    nghttp2_session* session = nullptr;
    std::int32_t id = -1;
    asio::steady_timer reader;
    asio::steady_timer writer;
    // The request body: what the caller wrote and nghttp2 has not taken yet.
    std::deque<std::string> outgoing;
    std::size_t outgoing_offset = 0;  // into outgoing.front()
    std::size_t unsent = 0;
    bool finishing = false;
    bool deferred = false;  // nghttp2 waits for resume_data
    // The response.
    int status = 0;
    bool headers_done = false;
    std::vector<Header> headers;
    std::deque<std::string> incoming;
    bool ended = false;  // END_STREAM or closed
    std::string error;   // why it ended abnormally
};

struct Http2Connection::Impl {
    asio::any_io_executor executor;
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
    nghttp2_session* session = nullptr;
    std::map<std::int32_t, std::shared_ptr<Http2Stream::State>> streams;
    bool writing = false;
    bool dead = false;
    bool goaway = false;
    std::string error;

    ~Impl() {
        if (session) nghttp2_session_del(session);
    }

    beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

    void fail(const std::string& why) {
        if (dead) return;
        dead = true;
        error = why;
        for (auto& [id, state] : streams) {
            if (!state->ended && state->error.empty()) state->error = why;
            state->ended = true;
            state->notify();
        }
        streams.clear();
        boost::system::error_code ignored;
        tcp().socket().close(ignored);
    }

    // Writes what nghttp2 has to send, until it has nothing more; one writer at a time.
    void flush(const std::shared_ptr<Http2Connection>& self) {
        if (writing || dead) return;
        writing = true;
        asio::co_spawn(executor, write_loop(self), asio::detached);
    }

    // `self` keeps the connection alive while it writes.
    asio::awaitable<void> write_loop([[maybe_unused]] std::shared_ptr<Http2Connection> self) {
        for (;;) {
            std::string out;
            while (out.size() < kWriteBatch) {
                const std::uint8_t* data = nullptr;
                auto n = nghttp2_session_mem_send(session, &data);
                if (n < 0) {
                    fail(std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(n)));
                    break;
                }
                if (n == 0) break;
                out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
            }
            if (out.empty() || dead) break;
            boost::system::error_code ec;
            if (secure) {
                std::tie(ec, std::ignore) =
                    co_await asio::async_write(*secure, asio::buffer(out), kAwait);
            } else {
                std::tie(ec, std::ignore) =
                    co_await asio::async_write(*plain, asio::buffer(out), kAwait);
            }
            if (ec) {
                fail("HTTP/2 send: " + ec.message());
                break;
            }
        }
        writing = false;
    }

    asio::awaitable<void> read_loop(std::shared_ptr<Http2Connection> self) {
        std::vector<std::uint8_t> buffer(kReadBuffer);
        while (!dead) {
            boost::system::error_code ec;
            std::size_t n = 0;
            if (secure) {
                std::tie(ec, n) = co_await secure->async_read_some(asio::buffer(buffer), kAwait);
            } else {
                std::tie(ec, n) = co_await plain->async_read_some(asio::buffer(buffer), kAwait);
            }
            if (ec) {
                fail(ec == asio::error::eof ? "HTTP/2: the peer closed the connection"
                                            : "HTTP/2 receive: " + ec.message());
                break;
            }
            auto used = nghttp2_session_mem_recv(session, buffer.data(), n);
            if (used < 0) {
                fail(std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(used)));
                break;
            }
            flush(self);
        }
    }

    Http2Stream::State* state_of(std::int32_t id) {
        auto it = streams.find(id);
        return it == streams.end() ? nullptr : it->second.get();
    }

    // nghttp2's callbacks, with the Impl as user data.
    static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                         std::size_t name_length, const std::uint8_t* value,
                         std::size_t value_length, std::uint8_t, void* user) {
        auto* impl = static_cast<Impl*>(user);
        if (frame->hd.type != NGHTTP2_HEADERS) return 0;
        auto* state = impl->state_of(frame->hd.stream_id);
        if (!state) return 0;
        std::string n(reinterpret_cast<const char*>(name), name_length);
        std::string v(reinterpret_cast<const char*>(value), value_length);
        if (n == ":status") {
            state->status = std::atoi(v.c_str());
        } else {
            state->headers.push_back({std::move(n), std::move(v)});
        }
        return 0;
    }

    static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
        auto* impl = static_cast<Impl*>(user);
        if (frame->hd.type == NGHTTP2_GOAWAY) impl->goaway = true;
        auto* state = impl->state_of(frame->hd.stream_id);
        if (!state) return 0;
        if (frame->hd.type == NGHTTP2_HEADERS && (frame->hd.flags & NGHTTP2_FLAG_END_HEADERS))
            state->headers_done = true;
        if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
            (frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
            state->ended = true;
        state->notify();
        return 0;
    }

    static int on_data(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                       std::size_t length, void* user) {
        auto* state = static_cast<Impl*>(user)->state_of(id);
        if (!state) return 0;
        state->incoming.emplace_back(reinterpret_cast<const char*>(data), length);
        state->notify();
        return 0;
    }

    static int on_close(nghttp2_session*, std::int32_t id, std::uint32_t code, void* user) {
        auto* impl = static_cast<Impl*>(user);
        auto it = impl->streams.find(id);
        if (it == impl->streams.end()) return 0;
        auto& state = *it->second;
        if (code != NGHTTP2_NO_ERROR && state.error.empty())
            state.error = std::string("HTTP/2 stream reset: ") + nghttp2_http2_strerror(code);
        state.ended = true;
        state.notify();
        impl->streams.erase(it);
        return 0;
    }

    // The request body, as nghttp2 asks for it.
    static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                             std::uint32_t* flags, nghttp2_data_source* source, void*) {
        auto* state = static_cast<Http2Stream::State*>(source->ptr);
        if (state->outgoing.empty()) {
            if (state->finishing) {
                *flags |= NGHTTP2_DATA_FLAG_EOF;
                return 0;
            }
            state->deferred = true;
            return NGHTTP2_ERR_DEFERRED;
        }
        auto& front = state->outgoing.front();
        auto n = std::min(length, front.size() - state->outgoing_offset);
        std::memcpy(buf, front.data() + state->outgoing_offset, n);
        state->outgoing_offset += n;
        state->unsent -= n;
        if (state->outgoing_offset == front.size()) {
            state->outgoing.pop_front();
            state->outgoing_offset = 0;
        }
        state->notify();  // a writer waiting for room
        return static_cast<ssize_t>(n);
    }
};

Http2Connection::Http2Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Http2Connection::~Http2Connection() = default;

asio::awaitable<std::shared_ptr<Http2Connection>> Http2Connection::open(
    asio::any_io_executor executor, const Target& target, asio::ssl::context* tls,
    Clock::time_point deadline) {
    auto impl = std::make_unique<Impl>();
    impl->executor = executor;
    if (tls) {
        impl->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, *tls);
    } else {
        impl->plain = std::make_unique<beast::tcp_stream>(executor);
    }
    co_await connect_tcp(impl->tcp(), target, deadline);
    if (tls) co_await handshake_tls(*impl->secure, target, "h2");
    impl->tcp().expires_never();

    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &Impl::on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Impl::on_frame);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Impl::on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Impl::on_close);
    nghttp2_option* option = nullptr;
    nghttp2_option_new(&option);
    // The window opens as the reader takes data (nghttp2_session_consume), not as it
    // arrives: a slow reader slows the peer instead of growing a buffer.
    nghttp2_option_set_no_auto_window_update(option, 1);
    auto rv = nghttp2_session_client_new2(&impl->session, callbacks, impl.get(), option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(callbacks);
    if (rv != 0) throw UpstreamError(Kind::kProtocol, "HTTP/2: cannot start a session");
    nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1000},
                                         {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20}};
    nghttp2_submit_settings(impl->session, NGHTTP2_FLAG_NONE, settings, 2);
    // The connection's window as large as a stream's (its default is 64 KiB).
    nghttp2_session_set_local_window_size(impl->session, NGHTTP2_FLAG_NONE, 0, 1 << 20);

    std::shared_ptr<Http2Connection> connection(new Http2Connection(std::move(impl)));
    asio::co_spawn(executor, connection->impl_->read_loop(connection), asio::detached);
    connection->impl_->flush(connection);
    co_return connection;
}

std::shared_ptr<Http2Stream> Http2Connection::start(const std::string& method, const Target& target,
                                                    const std::vector<Header>& headers) {
    auto& m = *impl_;
    if (!usable())
        throw UpstreamError(Kind::kProtocol,
                            m.error.empty() ? "HTTP/2: connection closing" : m.error);
    std::vector<std::pair<std::string, std::string>> fields{
        {":method", method},
        {":path", target.request},
        {":scheme", target.tls ? "https" : "http"},
        {":authority", target.host_header}};
    for (const auto& h : headers) fields.emplace_back(core::ascii_lower(h.name), h.value);
    std::vector<nghttp2_nv> nv;
    for (auto& [n, v] : fields)
        nv.push_back({reinterpret_cast<std::uint8_t*>(n.data()),
                      reinterpret_cast<std::uint8_t*>(v.data()), n.size(), v.size(),
                      NGHTTP2_NV_FLAG_NONE});
    auto state = std::make_shared<Http2Stream::State>(m.executor);
    state->connection = shared_from_this();
    state->session = m.session;
    nghttp2_data_provider body;
    body.source.ptr = state.get();
    body.read_callback = &Impl::read_body;
    auto id = nghttp2_submit_request(m.session, nullptr, nv.data(), nv.size(), &body, nullptr);
    if (id < 0)
        throw UpstreamError(Kind::kProtocol, std::string("HTTP/2: ") + nghttp2_strerror(id));
    state->id = id;
    m.streams[id] = state;
    m.flush(shared_from_this());
    return std::shared_ptr<Http2Stream>(new Http2Stream(state));
}

bool Http2Connection::usable() const { return !impl_->dead && !impl_->goaway; }

std::size_t Http2Connection::open_streams() const { return impl_->streams.size(); }

std::size_t Http2Connection::stream_limit() const {
    return nghttp2_session_get_remote_settings(impl_->session,
                                               NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
}

void Http2Connection::close() {
    if (impl_->dead) return;
    nghttp2_session_terminate_session(impl_->session, NGHTTP2_NO_ERROR);
    impl_->fail("HTTP/2: connection closed");
}

Http2Stream::Http2Stream(std::shared_ptr<State> state) : state_(std::move(state)) {}

Http2Stream::~Http2Stream() {
    // A stream let go of before its end is cancelled, so the peer stops too.
    if (!state_->ended) reset();
}

asio::awaitable<void> Http2Stream::write(std::string data) {
    auto& s = *state_;
    if (s.ended || s.finishing)
        throw UpstreamError(Kind::kProtocol,
                            s.error.empty() ? "HTTP/2: the stream has ended" : s.error);
    s.unsent += data.size();
    s.outgoing.push_back(std::move(data));
    auto& impl = *s.connection->impl_;
    if (s.deferred) {
        s.deferred = false;
        nghttp2_session_resume_data(s.session, s.id);
    }
    impl.flush(s.connection);
    while (s.unsent > Http2Connection::kMaxUnsent && !s.ended)
        co_await State::wait(s.writer, Clock::time_point::max());
    if (s.ended && !s.error.empty()) throw UpstreamError(Kind::kProtocol, s.error);
}

void Http2Stream::finish() {
    auto& s = *state_;
    if (s.ended || s.finishing) return;
    s.finishing = true;
    if (s.deferred) {
        s.deferred = false;
        nghttp2_session_resume_data(s.session, s.id);
    }
    s.connection->impl_->flush(s.connection);
}

asio::awaitable<int> Http2Stream::status(Clock::time_point deadline) {
    auto& s = *state_;
    while (!s.headers_done && !s.ended)
        if (!co_await State::wait(s.reader, deadline))
            throw UpstreamError(Kind::kTimeout, "HTTP/2: no response by the deadline");
    if (!s.headers_done)
        throw UpstreamError(Kind::kProtocol, s.error.empty() ? "HTTP/2: no response" : s.error);
    co_return s.status;
}

const std::vector<Header>& Http2Stream::response_headers() const { return state_->headers; }

asio::awaitable<std::optional<std::string>> Http2Stream::read(Clock::time_point deadline) {
    auto& s = *state_;
    while (s.incoming.empty() && !s.ended)
        if (!co_await State::wait(s.reader, deadline))
            throw UpstreamError(Kind::kTimeout, "HTTP/2: nothing came by the deadline");
    if (!s.incoming.empty()) {
        auto piece = std::move(s.incoming.front());
        s.incoming.pop_front();
        // The peer may send as much again: its window opens as data is taken.
        auto& impl = *s.connection->impl_;
        if (!impl.dead) {
            nghttp2_session_consume(s.session, s.id, piece.size());
            impl.flush(s.connection);
        }
        co_return piece;
    }
    if (!s.error.empty()) throw UpstreamError(Kind::kProtocol, s.error);
    co_return std::nullopt;
}

void Http2Stream::reset() {
    auto& s = *state_;
    if (s.ended) return;
    auto& impl = *s.connection->impl_;
    if (!impl.dead) {
        nghttp2_submit_rst_stream(s.session, NGHTTP2_FLAG_NONE, s.id, NGHTTP2_CANCEL);
        impl.flush(s.connection);
    }
    if (s.error.empty()) s.error = "HTTP/2: the stream was cancelled";
    s.ended = true;
    s.notify();
}

bool Http2Stream::closed() const { return state_->ended; }

}  // namespace mindme::upstream
