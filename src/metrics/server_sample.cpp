#include "metrics/server_sample.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "metrics/process_collector.hpp"
#include "metrics/registry.hpp"

namespace mindme::metrics {

double sample_clock_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

ServerMetrics metrics_between(const ServerSample& a, const ServerSample& b, double cores,
                              double memory_limit_bytes) {
    ServerMetrics m;
    double wall = b.wall_seconds - a.wall_seconds;
    if (wall > 0 && cores > 0)
        m.cpu_percent = std::max(0.0, 100 * (b.cpu_seconds - a.cpu_seconds) / (wall * cores));
    if (memory_limit_bytes > 0) m.memory_percent = 100 * b.resident_bytes / memory_limit_bytes;
    double requests = std::max(0.0, b.requests - a.requests);
    if (wall > 0) m.requests_per_minute = requests * 60 / wall;
    if (requests > 0) {
        m.error_rate_percent = 100 * std::max(0.0, b.server_errors - a.server_errors) / requests;
        m.response_time_seconds = std::max(0.0, b.duration_sum - a.duration_sum) / requests;
    }
    return m;
}

ServerSample sample_server(const Registry& registry) {
    ServerSample s;
    s.wall_seconds = sample_clock_seconds();
    auto process = read_process_stats();
    s.cpu_seconds = process.cpu_seconds;
    s.resident_bytes = process.resident_bytes;
    if (const auto* requests = registry.find<CounterFamily>("http_requests_total"))
        requests->for_each([&](const std::vector<std::string>& labels, const Counter& c) {
            auto n = static_cast<double>(c.value());
            s.requests += n;
            // Labels: route, method, status.
            if (labels.size() == 3 && labels[2].starts_with('5')) s.server_errors += n;
        });
    if (const auto* durations = registry.find<HistogramFamily>("http_request_duration_seconds"))
        durations->for_each([&](const std::vector<std::string>&, const Histogram& h) {
            s.duration_sum += h.sum();
        });
    return s;
}

}  // namespace mindme::metrics
