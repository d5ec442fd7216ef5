#pragma once
// Shared by server.cpp (listeners, threads, drain) and connection.cpp (one
// connection's request loop). Private to src/http: it pulls in Beast.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <ctime>
#include <map>
#include <optional>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/lifecycle.hpp"
#include "http/server.hpp"
#include "metrics/registry.hpp"

namespace mindme::http::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
// Sockets bound to the concrete io_context executor: the type-erased default
// (any_io_executor) was copied and destroyed around every operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;

using Clock = std::chrono::steady_clock;

// How often each loop looks for connections past their deadline: the precision of
// every timeout.
// How often a loop checks its connections' deadlines (and frees idle buffers): a scan
// of every connection, so with tens of thousands of them once a second, not four times.
constexpr std::chrono::milliseconds kSweepInterval{1000};
constexpr std::uint64_t kNoDeadline = UINT64_MAX;
// A connection idle for this many sweeps gives its buffers back (see Connection).
constexpr std::uint64_t kReleaseBufferTicks = 2;

// A connection as its loop sees it. Deadlines are enforced by one sweep per loop
// (see server.cpp) instead of a timer per operation: arming and cancelling a timer
// around every read and write cost more than the read or write itself. Deadlines
// count the loop's sweep ticks, so setting one reads no clock.
struct Connection {
    Socket* socket;
    const std::uint64_t* ticks;  // the loop's sweep counter
    bool idle = true;            // waiting for the first byte of a request
    std::uint64_t deadline = kNoDeadline;
    const char* deadline_reason = "";  // what is being waited for, for metrics
    const char* expired = nullptr;     // set by the sweep when the deadline passed
    // The request bytes read so far. While idle the connection waits for readability
    // with no read pending, so the sweep may free the buffers of a connection idle for
    // kReleaseBufferTicks: hundreds of thousands of quiet clients then hold none, and a
    // busy one keeps them from request to request.
    boost::beast::flat_buffer buffer{};
    std::string out{};             // the response head (and small bodies), reused across requests
    std::uint64_t idle_since = 0;  // sweep tick

    // Gives back the memory kept for the next request; only while idle.
    void release_buffers() {
        if (buffer.size() == 0 && buffer.capacity() > 0) buffer.shrink_to_fit();
        if (out.capacity() > std::string().capacity()) std::string().swap(out);
    }

    void expires_after(std::chrono::milliseconds d, const char* reason) {
        // +1: the current tick is already partly over, and a timeout must never be
        // shorter than asked (it may be up to one interval longer).
        deadline = *ticks +
                   static_cast<std::uint64_t>((d.count() + kSweepInterval.count() - 1) /
                                              kSweepInterval.count()) +
                   1;
        deadline_reason = reason;
    }
    void no_deadline() { deadline = kNoDeadline; }
    // After an expiry the server answers for (a 408): the sweep skips an expired
    // connection for good, so without this the answer's write would have no deadline.
    void answer_expiry() { expired = nullptr; }
};

struct HttpMetrics {
    explicit HttpMetrics(metrics::Registry& registry);
    metrics::CounterFamily& requests;
    metrics::HistogramFamily& duration;
    metrics::Gauge& connections_open;
    metrics::Gauge& in_flight;
    metrics::CounterFamily& closed;  // connections closed by the server, by reason
    metrics::Gauge& websockets_open;
    metrics::CounterFamily& websockets_closed;  // by reason
    metrics::Gauge& unsent_bytes;
};

// Everything one event-loop thread owns. Touched only from its own thread.
struct Loop {
    // Only this loop's thread does I/O on its sockets (others merely post to it), so
    // the reactor's per-socket locks can go.
    asio::io_context ioc{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
    std::optional<Acceptor> acceptor;
    std::unordered_set<Connection*> connections;
    asio::steady_timer drain_timer{ioc};
    asio::steady_timer sweep_timer{ioc};
    std::uint64_t ticks = 0;
    bool draining = false;
    std::thread thread;

    // Metric children looked up once per (route, method, status).
    std::map<std::tuple<const RouteInfo*, std::string, int>, metrics::Counter*> request_counters;
    std::unordered_map<const RouteInfo*, metrics::Histogram*> durations;
    std::unordered_map<std::string, metrics::Counter*> close_reasons;

    // The Date header, formatted once per second.
    std::time_t date_second = 0;
    std::string date_text;
};

struct Shared {
    ServerOptions options;
    Handler handler;
    HttpMetrics metrics;
    core::Lifecycle& lifecycle;
    // Bytes of large replies being written, across every loop (server.max_unsent_bytes).
    std::atomic<std::uint64_t> unsent{0};
    // Client connections open, across every loop, and how many may be: the descriptor
    // limit less a reserve (see max_client_connections()).
    std::atomic<std::int64_t> connections{0};
    std::int64_t max_connections = INT64_MAX;
};

asio::awaitable<void> serve_connection(Shared& shared, Loop& loop, Socket socket);

// The descriptor limit (RLIMIT_NOFILE) less a reserve of an eighth of it (64 to 1,024),
// kept for the database, the index, files and logs: past it the listeners stop accepting
// until connections close, so clients cannot starve the rest of the process.
std::int64_t max_client_connections();

}  // namespace mindme::http::detail
