#pragma once
// Runs jobs of the topics it handles with bounded concurrency, on an event loop of
// its own: lease one job, run its handler, ack after the handler returns (its effect
// committed), fail it on an exception (retry or dead letter). Stopping stops leasing;
// a job leased but not yet started is released at once, running ones finish within
// the grace period (past it their leases run out and they run again elsewhere, which
// idempotent handlers allow).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "metrics/registry.hpp"
#include "queue/queue.hpp"

namespace mindme::queue {

using JobHandler = std::function<boost::asio::awaitable<void>(const Job&)>;

// Thrown by a handler whose job could not run for a reason of this process or its
// environment (an index or database out of reach), not of the job: the job goes back to
// the queue after a pause, its attempt not counted, so it is never dead-lettered for it
// (outcome "deferred").
struct RetryLater : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Thrown by a handler whose job failed in a way it knows how to retry: no sooner than
// `hint.not_before`, or never (`hint.permanent`: the job goes to the dead letter at once,
// its error kept). The attempt counts, as for any other failure.
struct JobFailed : std::runtime_error {
    JobFailed(const std::string& message, RetryHint h) : std::runtime_error(message), hint(h) {}
    RetryHint hint;
};

// The job metrics of a process, shared by its runners: jobs_total{topic,outcome},
// job_duration_seconds{topic}, queue_depth{topic,state}, queue_oldest_age_seconds{topic}.
struct JobMetrics {
    explicit JobMetrics(metrics::Registry& registry);
    metrics::CounterFamily& outcomes;
    metrics::HistogramFamily& durations;
    metrics::GaugeFamily& depth;
    metrics::GaugeFamily& age;
};

struct RunnerOptions {
    std::size_t concurrency = 4;                     // jobs running at once
    std::chrono::seconds visibility{60};             // lease length
    std::chrono::milliseconds poll{250};             // idle wait between empty leases
    std::chrono::milliseconds stats_interval{5000};  // queue depth/age sampling
    std::chrono::milliseconds retry_later{2000};     // the pause before a RetryLater job goes back
    bool sample_stats = true;  // one runner per process samples the whole queue
};

class JobRunner {
public:
    JobRunner(JobQueue& queue, RunnerOptions options, JobMetrics& metrics);
    ~JobRunner();
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    // Before start().
    void handle(std::string topic, JobHandler handler);
    void start();
    // Returns once every worker has stopped, or after `grace`.
    void stop(std::chrono::milliseconds grace);
    // Whether stop() has begun: no job is leased from then on.
    bool stopping() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::queue
