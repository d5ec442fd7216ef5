#include "upstream/gateway.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "metrics/registry.hpp"
#include "upstream/retry.hpp"

namespace mindme::upstream {

namespace asio = boost::asio;

struct Gateway::Impl {
    Impl(GatewayOptions o, metrics::Registry& registry, std::string name)
        : options(o),
          upstream(std::move(name)),
          quota(o.max_concurrent, o.queue_size, o.queue_timeout),
          wait(registry
                   .histogram_family(
                       "gateway_wait_seconds",
                       "Time calls and streams waited for a slot of the upstream's quota.",
                       {"upstream"})
                   .with({upstream})),
          attempts(registry.counter_family(
              "gateway_attempts_total",
              "Upstream attempts by why they were made: first, or the retry's reason.",
              {"upstream", "reason"})),
          throttles(registry
                        .counter_family("gateway_throttles_total",
                                        "Upstream answers that were throttles.", {"upstream"})
                        .with({upstream})),
          budget_empty(registry
                           .counter_family("gateway_retry_budget_empty_total",
                                           "Retries not made because the retry budget was spent.",
                                           {"upstream"})
                           .with({upstream})) {
        registry.add_collector([this](std::string& out) {
            auto label = "upstream=\"" + upstream + "\"";
            metrics::write_family(out, "gateway_in_flight",
                                  "Calls and streams holding a slot of the upstream's quota.",
                                  metrics::MetricType::kGauge,
                                  static_cast<double>(quota.in_flight()), label);
            metrics::write_family(out, "gateway_queued", "Calls and streams waiting for a slot.",
                                  metrics::MetricType::kGauge, static_cast<double>(quota.queued()),
                                  label);
        });
    }

    double unit_random() {
        std::lock_guard lock(rng_mutex);
        return std::uniform_real_distribution<double>(0, 1)(rng);
    }

    GatewayOptions options;
    std::string upstream;
    Quota quota;
    RetryBudget budget;
    metrics::Histogram& wait;
    metrics::CounterFamily& attempts;
    metrics::Counter& throttles;
    metrics::Counter& budget_empty;
    std::mutex rng_mutex;
    std::mt19937_64 rng{std::random_device{}()};
};

Gateway::Gateway(GatewayOptions options, metrics::Registry& registry, std::string upstream)
    : impl_(std::make_unique<Impl>(options, registry, std::move(upstream))) {}

Gateway::~Gateway() = default;

const Quota& Gateway::quota() const { return impl_->quota; }
int Gateway::retry_tokens() const { return impl_->budget.available(); }

asio::awaitable<Quota::Hold> Gateway::hold() {
    auto started = Clock::now();
    auto slot = co_await impl_->quota.acquire();
    impl_->wait.observe(std::chrono::duration<double>(Clock::now() - started).count());
    co_return slot;
}

asio::awaitable<ClientResponse> Gateway::call(Attempt attempt, Clock::time_point deadline) {
    auto slot = co_await hold();
    co_return co_await retry(std::move(attempt), deadline);
}

asio::awaitable<ClientResponse> Gateway::retry(Attempt attempt, Clock::time_point deadline) {
    auto& m = *impl_;
    int paid = 0;
    RetryReason reason = RetryReason::kNone;
    for (int number = 1;; ++number) {
        m.attempts.with({m.upstream, number == 1 ? "first" : reason_name(reason)}).inc();
        std::optional<ClientResponse> response;
        std::optional<UpstreamError> error;
        try {
            response = co_await attempt();
        } catch (const UpstreamError& e) {
            error = e;
        }
        reason = response ? retry_reason(*response) : retry_reason(*error);
        if (reason == RetryReason::kThrottle) m.throttles.inc();
        auto give_up = [&]() -> ClientResponse {
            if (error) throw *error;
            return std::move(*response);
        };
        if (reason == RetryReason::kNone) {
            if (response && response->status < 400) m.budget.succeeded(paid);
            co_return give_up();
        }
        if (number >= m.options.max_attempts) co_return give_up();
        if (!m.budget.withdraw(reason)) {
            m.budget_empty.inc();
            co_return give_up();
        }
        paid +=
            reason == RetryReason::kTimeout ? RetryBudget::kTimeoutCost : RetryBudget::kRetryCost;
        auto wait =
            full_jitter(m.options.backoff_base, m.options.backoff_cap, number, m.unit_random());
        if (Clock::now() + wait >= deadline) co_return give_up();
        asio::steady_timer timer(co_await asio::this_coro::executor, wait);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

}  // namespace mindme::upstream
