#pragma once
// A process's cumulative figures (CPU, memory, requests, 5xx, time answering) sampled at
// two moments, and the period's metrics between them: what the live alarms evaluate in
// each process and what the fleet reads from every process's /metrics.
#include <optional>

namespace mindme::metrics {

class Registry;

// Cumulative figures of this process at one moment.
struct ServerSample {
    double wall_seconds = 0;
    double cpu_seconds = 0;
    double resident_bytes = 0;
    double requests = 0;
    double server_errors = 0;  // answered 5xx
    double duration_sum = 0;   // seconds, over all requests
};

// One period's metrics, as the alarms read them. Without requests there is no error rate
// or response time (the alarms treat that as not breaching).
struct ServerMetrics {
    double cpu_percent = 0;  // of every core this process may use
    double memory_percent = 0;
    double requests_per_minute = 0;
    std::optional<double> error_rate_percent;
    std::optional<double> response_time_seconds;
};
ServerMetrics metrics_between(const ServerSample& before, const ServerSample& after, double cores,
                              double memory_limit_bytes);

// The clock of ServerSample::wall_seconds (monotonic seconds).
double sample_clock_seconds();

// This process's sample, from /proc and the registry's HTTP families.
ServerSample sample_server(const Registry& registry);

}  // namespace mindme::metrics
