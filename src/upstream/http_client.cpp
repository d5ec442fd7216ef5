#include "upstream/http_client.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "core/text.hpp"
#include "metrics/registry.hpp"
#include "upstream/connection.hpp"
#include "upstream/http2_pool.hpp"
#include "upstream/retry.hpp"
#include "upstream/target.hpp"

namespace mindme::upstream {

namespace asio = boost::asio;
using Kind = UpstreamError::Kind;

const char* kind_name(Kind kind) {
    switch (kind) {
        case Kind::kConnect:
            return "connect_error";
        case Kind::kTimeout:
            return "timeout";
        case Kind::kProtocol:
            return "protocol_error";
        case Kind::kRejected:
            return "rejected";
        case Kind::kTooLarge:
            return "too_large";
        case Kind::kBadUrl:
            return "bad_request";
    }
    return "error";
}

std::optional<std::string_view> ClientResponse::header(std::string_view name) const {
    for (const auto& h : headers)
        if (core::ascii_lower(h.name) == core::ascii_lower(name)) return h.value;
    return std::nullopt;
}

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

std::string status_class(int status) { return std::to_string(status / 100) + "xx"; }

// One origin's connections: the idle ones, the exchanges running (bounded), and the
// calls waiting for a slot, first come first served.
struct Origin {
    std::deque<std::unique_ptr<Connection>> idle;
    std::size_t active = 0;
    struct Waiter {
        asio::steady_timer* timer;
        bool granted = false;
    };
    std::deque<Waiter*> waiters;
};

}  // namespace

struct HttpClient::Impl {
    Impl(ClientOptions o, metrics::Registry& registry)
        : options(std::move(o)),
          tls(asio::ssl::context::tls_client),
          requests(
              registry.counter_family("upstream_requests_total",
                                      "Outbound HTTP attempts, by upstream and outcome (status "
                                      "class, or why there was no response).",
                                      {"upstream", "outcome"})),
          durations(registry.histogram_family("upstream_request_duration_seconds",
                                              "Time of outbound HTTP attempts, by upstream.",
                                              {"upstream"})),
          in_flight(registry.gauge_family("upstream_in_flight",
                                          "Outbound HTTP attempts in progress, by upstream.",
                                          {"upstream"})),
          retries(registry.counter_family("upstream_retries_total",
                                          "Outbound HTTP attempts that were retries, by upstream.",
                                          {"upstream"})),
          http2(loop.get_executor(), tls),
          work(asio::make_work_guard(loop)),
          rng(std::random_device{}()) {
        tls.set_default_verify_paths();
        if (!options.ca_file.empty()) tls.load_verify_file(options.ca_file);
        tls.set_verify_mode(asio::ssl::verify_peer);
        thread = std::thread([this] { loop.run(); });
    }

    ~Impl() {
        // Everything the loop holds is closed or cancelled, so every call in progress
        // ends (with an error) and the loop runs out of work.
        asio::post(loop, [this] {
            stopping = true;
            for (auto& [key, origin] : origins) {
                origin.idle.clear();
                for (auto* waiter : origin.waiters) waiter->timer->cancel();
            }
            for (auto* connection : busy) connection->close();
            http2.close();
            for (auto* timer : sleeping) timer->cancel();
        });
        work.reset();
        thread.join();
    }

    // A slot of the origin, held while its exchange runs.
    struct Slot {
        Impl* impl = nullptr;
        Origin* origin = nullptr;
        Slot(Impl* i, Origin* o) : impl(i), origin(o) {}
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        ~Slot() { impl->release(*origin); }
    };

    void release(Origin& origin) {
        if (origin.waiters.empty()) {
            --origin.active;
            return;
        }
        auto* waiter = origin.waiters.front();
        origin.waiters.pop_front();
        waiter->granted = true;  // the slot passes on; active stays the same
        waiter->timer->cancel();
    }

    asio::awaitable<std::unique_ptr<Slot>> acquire(Origin& origin, Clock::time_point deadline,
                                                   const std::string& origin_name) {
        if (origin.active < options.max_per_origin && origin.waiters.empty()) {
            ++origin.active;
            co_return std::make_unique<Slot>(this, &origin);
        }
        asio::steady_timer timer(loop, deadline);
        Origin::Waiter waiter{&timer};
        origin.waiters.push_back(&waiter);
        co_await timer.async_wait(kAwait);
        if (waiter.granted) co_return std::make_unique<Slot>(this, &origin);
        std::erase(origin.waiters, &waiter);
        throw UpstreamError(Kind::kRejected,
                            "no free connection to " + origin_name + " before the deadline");
    }

    asio::awaitable<void> sleep(std::chrono::milliseconds wait) {
        asio::steady_timer timer(loop, wait);
        sleeping.insert(&timer);
        co_await timer.async_wait(kAwait);
        sleeping.erase(&timer);
        if (stopping) throw UpstreamError(Kind::kProtocol, "the client is stopping");
    }

    // A pooled connection that is fresh enough, or none.
    std::unique_ptr<Connection> take_idle(Origin& origin) {
        auto now = Clock::now();
        while (!origin.idle.empty()) {
            auto connection = std::move(origin.idle.back());
            origin.idle.pop_back();
            if (now - connection->idle_since() < options.idle_timeout) return connection;
        }
        return nullptr;
    }

    // One attempt: a slot, a connection (pooled or new), the exchange. A pooled
    // connection that the server closed before answering (it timed the connection out
    // as we took it) is replaced by a new one once, without counting an attempt.
    asio::awaitable<ClientResponse> attempt(const Target& target, const ClientRequest& request,
                                            Clock::time_point deadline,
                                            Connection::Progress& progress) {
        if (stopping) throw UpstreamError(Kind::kProtocol, "the client is stopping");
        auto& origin = origins[target.origin];
        auto slot = co_await acquire(origin, deadline, target.origin);
        auto connection = take_idle(origin);
        bool pooled = connection != nullptr;
        for (;;) {
            if (!connection)
                connection = co_await Connection::open(
                    loop.get_executor(), target, target.tls ? &tls : nullptr,
                    std::min(deadline, Clock::now() + options.connect_timeout));
            ExchangeDeadlines deadlines{
                std::min(deadline, Clock::now() + options.first_byte_timeout), deadline};
            busy.insert(connection.get());
            try {
                progress = {};
                auto response = co_await connection->exchange(target, request, deadlines,
                                                              options.max_response_bytes, progress);
                busy.erase(connection.get());
                if (connection->reusable() && !stopping)
                    origin.idle.push_back(std::move(connection));
                co_return response;
            } catch (const UpstreamError& e) {
                busy.erase(connection.get());
                if (!pooled || progress.got_response || e.kind() != Kind::kProtocol || stopping)
                    throw;
            }
            connection.reset();
            pooled = false;
        }
    }

    asio::awaitable<ClientResponse> call(ClientRequest request, CallOptions call) {
        auto target = parse_target(request.url);
        auto call_deadline = call.deadline.value_or(Clock::time_point::max());
        int max_attempts = call.max_attempts > 0 ? call.max_attempts : options.max_attempts;
        auto& flight = in_flight.with({call.upstream});
        auto& histogram = durations.with({call.upstream});
        for (int attempt_number = 1;; ++attempt_number) {
            auto started = Clock::now();
            auto deadline = std::min(call_deadline, started + options.total_timeout);
            Connection::Progress progress;
            std::optional<ClientResponse> response;
            std::optional<UpstreamError> error;
            flight.add(1);
            try {
                response = co_await attempt(target, request, deadline, progress);
            } catch (const UpstreamError& e) {
                error = e;
            }
            flight.add(-1);
            histogram.observe(std::chrono::duration<double>(Clock::now() - started).count());
            requests
                .with({call.upstream,
                       error ? kind_name(error->kind()) : status_class(response->status)})
                .inc();

            bool retryable =
                error ? (error->kind() == Kind::kConnect ||
                         ((error->kind() == Kind::kProtocol || error->kind() == Kind::kTimeout) &&
                          (!progress.written || call.idempotent)))
                      : std::find(call.retry_statuses.begin(), call.retry_statuses.end(),
                                  response->status) != call.retry_statuses.end();
            auto give_up = [&]() -> ClientResponse {
                if (error) throw *error;
                return std::move(*response);
            };
            if (!retryable || attempt_number >= max_attempts || stopping) co_return give_up();
            auto wait = full_jitter(options.backoff_base, options.backoff_cap, attempt_number,
                                    std::uniform_real_distribution<double>(0, 1)(rng));
            if (response) {
                if (auto value = response->header("Retry-After")) {
                    if (auto asked = parse_retry_after(*value, std::time(nullptr))) {
                        // A server that asks for longer than we would ever wait is answered
                        // by its own response: the caller decides (a job retries later).
                        if (*asked > options.backoff_cap) co_return give_up();
                        wait = std::max(wait, *asked);
                    }
                }
            }
            if (call_deadline != Clock::time_point::max() && Clock::now() + wait >= call_deadline)
                co_return give_up();
            retries.with({call.upstream}).inc();
            co_await sleep(wait);
        }
    }

    ClientOptions options;
    asio::io_context loop;
    asio::ssl::context tls;
    metrics::CounterFamily& requests;
    metrics::HistogramFamily& durations;
    metrics::GaugeFamily& in_flight;
    metrics::CounterFamily& retries;
    std::map<std::string, Origin> origins;   // by scheme://host:port
    std::set<Connection*> busy;              // exchanging now
    std::set<asio::steady_timer*> sleeping;  // backoff waits
    Http2Pool http2;
    bool stopping = false;
    asio::executor_work_guard<asio::io_context::executor_type> work;
    std::mt19937_64 rng;
    std::thread thread;
};

HttpClient::HttpClient(ClientOptions options, metrics::Registry& registry)
    : impl_(std::make_unique<Impl>(std::move(options), registry)) {}

HttpClient::~HttpClient() = default;

const ClientOptions& HttpClient::options() const { return impl_->options; }

asio::any_io_executor HttpClient::executor() { return impl_->loop.get_executor(); }

Http2Pool& HttpClient::http2() { return impl_->http2; }

asio::awaitable<ClientResponse> HttpClient::send(ClientRequest request, CallOptions options) {
    co_return co_await asio::co_spawn(
        impl_->loop, impl_->call(std::move(request), std::move(options)), asio::use_awaitable);
}

}  // namespace mindme::upstream
