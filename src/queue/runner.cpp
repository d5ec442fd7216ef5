#include "queue/runner.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <list>
#include <thread>

#include "core/log.hpp"
#include "metrics/registry.hpp"

namespace mindme::queue {

namespace asio = boost::asio;

JobMetrics::JobMetrics(metrics::Registry& registry)
    : outcomes(registry.counter_family("jobs_total", "Jobs run, by topic and outcome.",
                                       {"topic", "outcome"})),
      durations(registry.histogram_family("job_duration_seconds", "Time a handler took, by topic.",
                                          {"topic"})),
      depth(registry.gauge_family("queue_depth", "Jobs in the queue, by topic and state.",
                                  {"topic", "state"})),
      age(registry.gauge_family("queue_oldest_age_seconds",
                                "Age of the oldest waiting job, by topic.", {"topic"})) {}

struct JobRunner::Impl {
    Impl(JobQueue& q, RunnerOptions o, JobMetrics& m) : queue(q), options(o), metrics(m) {}

    asio::awaitable<void> pause(asio::steady_timer& timer, std::chrono::milliseconds d) {
        timer.expires_after(d);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

    asio::awaitable<void> run_one(Job& job, const JobHandler& handler, asio::steady_timer& timer) {
        auto started = std::chrono::steady_clock::now();
        std::string error;
        bool deferred = false;
        RetryHint hint;
        try {
            co_await handler(job);
        } catch (const RetryLater& e) {
            error = e.what();
            deferred = true;
        } catch (const JobFailed& e) {
            error = e.what();
            hint = e.hint;
            if (error.empty()) error = "handler failed";
        } catch (const std::exception& e) {
            error = e.what();
            if (error.empty()) error = "handler failed";
        }
        metrics.durations.with({job.topic})
            .observe(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        const char* outcome = "done";
        if (deferred) {
            // This process cannot run it now: a pause (so a broken index does not spin a
            // core), then back to the queue uncounted.
            outcome = "deferred";
            core::log::warn(
                "job deferred",
                core::log::Fields().add("topic", job.topic).add("job", job.id).add("error", error));
            co_await pause(timer, options.retry_later);
            co_await queue.release(job);
        } else if (error.empty()) {
            if (!co_await queue.ack(job)) outcome = "lost";
        } else {
            auto result = co_await queue.fail(job, error, hint);
            outcome = result == FailOutcome::kDead      ? "dead"
                      : result == FailOutcome::kRetried ? "retried"
                                                        : "lost";
            core::log::warn("job failed", core::log::Fields()
                                              .add("topic", job.topic)
                                              .add("job", job.id)
                                              .add("attempt", job.attempts)
                                              .add("outcome", outcome)
                                              .add("error", error));
        }
        metrics.outcomes.with({job.topic, outcome}).inc();
    }

    asio::awaitable<void> worker(asio::steady_timer& timer, std::size_t index) {
        std::size_t next = index;  // workers start on different topics
        while (!stopping) {
            bool ran = false;
            try {
                for (std::size_t i = 0; i < topics.size() && !stopping; ++i) {
                    auto& [topic, handler] = topics[(next + i) % topics.size()];
                    auto jobs = co_await queue.lease(topic, 1, options.visibility);
                    if (jobs.empty()) continue;
                    if (stopping) {
                        co_await queue.release(jobs.front());
                        break;
                    }
                    co_await run_one(jobs.front(), handler, timer);
                    ran = true;
                    next = (next + i + 1) % topics.size();
                    break;
                }
                if (unavailable.exchange(false))
                    core::log::info("job queue available again", core::log::Fields());
            } catch (const std::exception& e) {
                // The queue is unreachable (database or RabbitMQ down): wait and try
                // again; said once per outage, not once per poll.
                if (!unavailable.exchange(true))
                    core::log::warn("job queue unavailable",
                                    core::log::Fields().add("error", e.what()));
            }
            if (!ran && !stopping) co_await pause(timer, options.poll);
        }
        if (--running == 0) finished.set_value();
    }

    asio::awaitable<void> sampler() {
        while (!stopping) {
            try {
                // Topics this runner handles read 0 when they have no jobs at all.
                std::vector<TopicStats> all;
                for (const auto& [topic, handler] : topics) all.push_back(TopicStats{topic});
                for (auto& t : co_await queue.stats()) {
                    auto known = std::find_if(all.begin(), all.end(), [&](const TopicStats& a) {
                        return a.topic == t.topic;
                    });
                    if (known != all.end())
                        *known = t;
                    else
                        all.push_back(t);
                }
                for (const auto& t : all) {
                    metrics.depth.with({t.topic, "ready"}).set(static_cast<double>(t.ready));
                    metrics.depth.with({t.topic, "leased"}).set(static_cast<double>(t.leased));
                    metrics.depth.with({t.topic, "dead"}).set(static_cast<double>(t.dead));
                    metrics.age.with({t.topic}).set(t.oldest_ready_age_seconds);
                }
            } catch (const std::exception&) {
                // Sampled again next time.
            }
            co_await pause(stats_timer, options.stats_interval);
        }
    }

    JobQueue& queue;
    RunnerOptions options;
    JobMetrics& metrics;
    std::vector<std::pair<std::string, JobHandler>> topics;
    asio::io_context ioc{1};
    std::list<asio::steady_timer> timers;  // one per worker, stable addresses
    asio::steady_timer stats_timer{ioc};
    std::atomic<bool> stopping{false};
    std::atomic<bool> unavailable{false};  // the last lease failed
    std::size_t running = 0;               // touched only on ioc's thread
    std::promise<void> finished;
    std::thread thread;
};

JobRunner::JobRunner(JobQueue& queue, RunnerOptions options, JobMetrics& metrics)
    : impl_(std::make_unique<Impl>(queue, options, metrics)) {}

JobRunner::~JobRunner() { stop(std::chrono::milliseconds(0)); }

void JobRunner::handle(std::string topic, JobHandler handler) {
    impl_->topics.emplace_back(std::move(topic), std::move(handler));
}

void JobRunner::start() {
    auto& m = *impl_;
    if (m.topics.empty() || m.thread.joinable()) return;
    auto n = std::max<std::size_t>(1, m.options.concurrency);
    // The handled topics are in /metrics from the start, before the first sample.
    for (const auto& [topic, handler] : m.topics) {
        for (const char* state : {"ready", "leased", "dead"}) m.metrics.depth.with({topic, state});
        m.metrics.age.with({topic});
    }
    m.running = n;
    for (std::size_t i = 0; i < n; ++i)
        asio::co_spawn(m.ioc, m.worker(m.timers.emplace_back(m.ioc), i), asio::detached);
    if (m.options.sample_stats) asio::co_spawn(m.ioc, m.sampler(), asio::detached);
    m.thread = std::thread([&m] { m.ioc.run(); });
}

bool JobRunner::stopping() const { return impl_->stopping; }

void JobRunner::stop(std::chrono::milliseconds grace) {
    auto& m = *impl_;
    if (!m.thread.joinable()) return;
    auto finished = m.finished.get_future();
    m.stopping = true;
    asio::post(m.ioc, [&m] {
        for (auto& t : m.timers) t.cancel();
        m.stats_timer.cancel();
    });
    finished.wait_for(grace);
    m.ioc.stop();
    m.thread.join();
}

}  // namespace mindme::queue
