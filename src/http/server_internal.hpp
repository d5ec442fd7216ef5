#pragma once
// Shared by server.cpp (listeners, threads, drain) and connection.cpp (one
// connection's request loop). Private to src/http: it pulls in Beast.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
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
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct Connection {
    beast::tcp_stream* stream;
    bool idle = true;  // waiting for the first byte of a request
};

struct HttpMetrics {
    explicit HttpMetrics(metrics::Registry& registry);
    metrics::CounterFamily& requests;
    metrics::HistogramFamily& duration;
    metrics::Gauge& connections_open;
    metrics::Gauge& in_flight;
    metrics::CounterFamily& closed;  // connections closed by the server, by reason
};

// Everything one event-loop thread owns. Touched only from its own thread.
struct Loop {
    asio::io_context ioc{1};
    std::optional<tcp::acceptor> acceptor;
    std::unordered_set<Connection*> connections;
    asio::steady_timer drain_timer{ioc};
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
};

asio::awaitable<void> serve_connection(Shared& shared, Loop& loop, tcp::socket socket);

}  // namespace mindme::http::detail
