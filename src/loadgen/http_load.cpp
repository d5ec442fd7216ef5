#include "loadgen/http_load.hpp"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "loadgen/arrivals.hpp"

namespace mindme::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
using namespace asio::experimental::awaitable_operators;

namespace {

struct Target {
    std::string host;
    std::string port;
    std::string target;
};

Target parse_url(const HttpLoadOptions& o) {
    auto url = boost::urls::parse_uri(o.url);
    if (!url || url->scheme() != "http" || url->host().empty())
        throw std::invalid_argument("expected http://host[:port]/path, got " + o.url);
    Target t{std::string(url->host()), url->has_port() ? std::string(url->port()) : "80",
             std::string(url->encoded_target())};
    if (t.target.empty()) t.target = "/";
    boost::system::error_code ec;
    auto address = asio::ip::make_address(t.host, ec);
    bool loopback = (!ec && address.is_loopback()) || t.host == "localhost";
    if (!loopback && !o.allow_remote)
        throw std::invalid_argument("the target " + t.host +
                                    " is not a loopback address (use --allow-remote)");
    return t;
}

// One thread's share of the load: its connections, its schedule, its tallies.
struct Worker {
    Worker(const HttpLoadOptions& o, tcp::endpoint e, std::string r, std::size_t c, double share,
           Clock::time_point from)
        : options(o),
          endpoint(std::move(e)),
          request(std::move(r)),
          connections(c),
          rate(share),
          start(from),
          end(from + o.duration) {}

    const HttpLoadOptions& options;
    tcp::endpoint endpoint;
    std::string request;
    std::size_t connections;
    double rate;  // this worker's share; 0: closed
    Clock::time_point start;
    Clock::time_point end;
    std::optional<ArrivalSchedule> schedule;
    HttpLoadResult result;
    std::atomic<std::uint64_t> requests_so_far{0};  // read by the progress reporter
    std::atomic<std::uint64_t> errors_so_far{0};
    asio::io_context ioc{1};

    void error(const std::string& kind) {
        ++result.errors;
        ++result.errors_by_kind[kind];
        errors_so_far.fetch_add(1, std::memory_order_relaxed);
    }

    // The next intended start, or nullopt when the test is over (open model).
    std::optional<Clock::time_point> next_slot() {
        auto t = schedule->next();
        if (!t) return std::nullopt;
        return start + *t;
    }

    // One request and its response; the kind of error, or nullptr.
    asio::awaitable<const char*> exchange(tcp::socket& socket, beast::flat_buffer& buffer,
                                          bhttp::response_parser<bhttp::string_body>& parser) {
        auto [wec, wn] = co_await asio::async_write(socket, asio::buffer(request), kUseTuple);
        if (wec) co_return "write";
        auto [rec, rn] = co_await bhttp::async_read(socket, buffer, parser, kUseTuple);
        co_return rec ? "read" : nullptr;
    }

    asio::awaitable<void> connection() {
        tcp::socket socket(ioc);
        beast::flat_buffer buffer;
        asio::steady_timer timer(ioc);
        asio::steady_timer watchdog(ioc);
        bool connected = false;
        while (Clock::now() < end) {
            Clock::time_point intended = Clock::now();
            if (schedule) {
                auto slot = next_slot();
                if (!slot) break;
                intended = *slot;
                if (intended > Clock::now()) {
                    timer.expires_at(intended);
                    co_await timer.async_wait(kUseTuple);
                }
            }
            if (!connected) {
                auto [ec] = co_await socket.async_connect(endpoint, kUseTuple);
                if (ec) {
                    error("connect");
                    socket = tcp::socket(ioc);
                    if (!schedule) {
                        timer.expires_after(std::chrono::milliseconds(10));
                        co_await timer.async_wait(kUseTuple);
                    }
                    continue;
                }
                socket.set_option(tcp::no_delay(true));
                connected = true;
            }
            auto sent = Clock::now();
            bhttp::response_parser<bhttp::string_body> parser;
            parser.body_limit(64 << 20);
            // A server that never answers costs one timeout, not the whole test.
            watchdog.expires_after(options.timeout);
            auto outcome =
                co_await (exchange(socket, buffer, parser) || watchdog.async_wait(kUseTuple));
            auto done = Clock::now();
            const char* failure = outcome.index() == 1 ? "timeout" : std::get<0>(outcome);
            if (failure) {
                error(failure);
                boost::system::error_code ignored;
                socket.close(ignored);
                socket = tcp::socket(ioc);
                buffer.clear();
                connected = false;
                continue;
            }
            auto status = parser.get().result_int();
            if (status >= 400) error("status_" + std::to_string(status / 100) + "xx");
            ++result.count;
            requests_so_far.fetch_add(1, std::memory_order_relaxed);
            auto since = [this](Clock::time_point t) {
                return std::chrono::duration_cast<Micros>(t - start);
            };
            auto latency = schedule ? corrected_latency(since(intended), since(sent), since(done))
                                    : std::chrono::duration_cast<Micros>(done - sent);
            result.latency.record(static_cast<std::uint64_t>(latency.count()));
            if (!parser.get().keep_alive()) {
                boost::system::error_code ignored;
                socket.close(ignored);
                socket = tcp::socket(ioc);
                connected = false;
            }
        }
    }

    void run() {
        if (rate > 0)
            schedule.emplace(rate,
                             std::vector<RateStage>{
                                 {std::chrono::duration_cast<Micros>(options.duration), rate}});
        for (std::size_t i = 0; i < connections; ++i)
            asio::co_spawn(ioc, connection(), asio::detached);
        ioc.run();
    }
};

}  // namespace

HttpLoadResult run_http_load(const HttpLoadOptions& options) {
    auto target = parse_url(options);
    asio::io_context resolver_ioc;
    tcp::resolver resolver(resolver_ioc);
    auto endpoints = resolver.resolve(target.host, target.port);
    if (endpoints.empty()) throw std::invalid_argument("cannot resolve " + target.host);
    std::string request = options.method + " " + target.target +
                          " HTTP/1.1\r\nHost: " + target.host + ":" + target.port +
                          "\r\nUser-Agent: mindme-loadtest\r\n\r\n";

    auto threads = std::max<std::size_t>(1, std::min(options.threads, options.connections));
    std::vector<std::unique_ptr<Worker>> workers;
    auto start = Clock::now();
    for (std::size_t t = 0; t < threads; ++t) {
        auto share = options.connections / threads + (t < options.connections % threads ? 1 : 0);
        workers.push_back(
            std::make_unique<Worker>(options, endpoints.begin()->endpoint(), request, share,
                                     options.rate / static_cast<double>(threads), start));
    }
    std::vector<std::thread> running;
    std::mutex mutex;
    std::condition_variable all_done;
    std::size_t finished = 0;
    Clock::time_point last_finish = start;
    for (auto& w : workers)
        running.emplace_back([&, worker = w.get()] {
            worker->run();
            std::lock_guard lock(mutex);
            ++finished;
            last_finish = std::max(last_finish, Clock::now());
            all_done.notify_all();
        });
    // The calling thread reports progress about once a second until the workers are
    // done (they stop at the test's end, plus at most one request's timeout).
    {
        std::unique_lock lock(mutex);
        while (finished < workers.size()) {
            all_done.wait_for(lock, std::chrono::seconds(1));
            if (!options.on_progress || finished == workers.size()) continue;
            Progress p;
            p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
            p.duration = options.duration;
            for (auto& w : workers) {
                p.requests += w->requests_so_far.load(std::memory_order_relaxed);
                p.errors += w->errors_so_far.load(std::memory_order_relaxed);
            }
            lock.unlock();
            options.on_progress(p);
            lock.lock();
        }
    }
    for (auto& t : running) t.join();
    HttpLoadResult total;
    // Up to the last worker's end: the rate covers the time requests were sent.
    total.seconds = std::chrono::duration<double>(last_finish - start).count();
    for (auto& w : workers) {
        total.latency.merge(w->result.latency);
        total.count += w->result.count;
        total.errors += w->result.errors;
        for (auto& [kind, n] : w->result.errors_by_kind) total.errors_by_kind[kind] += n;
    }
    return total;
}

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
    double value = 0;
    std::size_t used = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    auto unit = text.substr(used);
    double ms = 0;
    if (unit == "ms")
        ms = value;
    else if (unit == "s" || unit.empty())
        ms = value * 1000;
    else if (unit == "m")
        ms = value * 60'000;
    else if (unit == "h")
        ms = value * 3'600'000;
    else
        return std::nullopt;
    if (!(ms > 0) || ms > 7 * 24 * 3'600'000.0) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

std::string result_text(const HttpLoadResult& r) {
    auto ms = [&](double q) { return static_cast<double>(r.latency.value_at(q)) / 1000.0; };
    char line[512];
    std::snprintf(line, sizeof line,
                  "requests %llu in %.1f s: %.1f/s; errors %llu\n"
                  "latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
                  static_cast<unsigned long long>(r.count), r.seconds, r.rps(),
                  static_cast<unsigned long long>(r.errors), ms(0.5), ms(0.9), ms(0.99), ms(0.999),
                  static_cast<double>(r.latency.max()) / 1000.0);
    std::string out = line;
    for (const auto& [kind, n] : r.errors_by_kind)
        out += "  error " + kind + ": " + std::to_string(n) + "\n";
    return out;
}

std::string result_json(const HttpLoadResult& r) {
    auto ms = [&](double q) { return static_cast<double>(r.latency.value_at(q)) / 1000.0; };
    boost::json::object errors;
    for (const auto& [kind, n] : r.errors_by_kind) errors[kind] = n;
    boost::json::object o{
        {"count", r.count},        {"errors", r.errors},
        {"rps", r.rps()},          {"p50", ms(0.5)},
        {"p90", ms(0.9)},          {"p99", ms(0.99)},
        {"p999", ms(0.999)},       {"max", static_cast<double>(r.latency.max()) / 1000.0},
        {"errors_by_kind", errors}};
    return boost::json::serialize(o);
}

}  // namespace mindme::loadgen
