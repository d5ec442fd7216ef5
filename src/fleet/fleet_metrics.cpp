#include "fleet/fleet_metrics.hpp"

#include "fleet/prometheus_text.hpp"

namespace mindme::fleet {

namespace {

// The fleet's own probes are not the load it scales on.
bool served(const Labels& labels) {
    auto route = labels.find("route");
    return route == labels.end() || (route->second != "/health" && route->second != "/metrics");
}

}  // namespace

ProcessSample parse_sample(std::string_view text, double wall_seconds) {
    ProcessSample s;
    s.server.wall_seconds = wall_seconds;
    s.server.cpu_seconds = sum_samples(text, "process_cpu_seconds_total");
    s.server.resident_bytes = sum_samples(text, "process_resident_memory_bytes");
    s.server.requests = sum_samples(text, "http_requests_total", served);
    s.server.server_errors = sum_samples(text, "http_requests_total", [](const Labels& l) {
        auto status = l.find("status");
        return served(l) && status != l.end() && status->second.starts_with('5');
    });
    s.server.duration_sum = sum_samples(text, "http_request_duration_seconds_sum", served);
    s.queue_depth = sum_samples(text, "queue_depth", [](const Labels& l) {
        auto state = l.find("state");
        return state != l.end() && (state->second == "ready" || state->second == "leased");
    });
    return s;
}

GroupMetrics group_metrics(const std::vector<std::pair<ProcessSample, ProcessSample>>& samples,
                           double cores, double memory_limit_bytes) {
    GroupMetrics g;
    double errors = 0, answered = 0, time_sum = 0;
    for (const auto& [before, after] : samples) {
        auto m = metrics::metrics_between(before.server, after.server, cores, memory_limit_bytes);
        ++g.instances;
        g.cpu_percent += m.cpu_percent;
        g.memory_percent += m.memory_percent;
        g.requests_per_minute += m.requests_per_minute;
        if (m.error_rate_percent) {
            errors += *m.error_rate_percent * m.requests_per_minute;
            time_sum += *m.response_time_seconds * m.requests_per_minute;
            answered += m.requests_per_minute;
        }
    }
    if (g.instances == 0) return g;
    g.cpu_percent /= g.instances;
    g.memory_percent /= g.instances;
    g.requests_per_instance_minute = g.requests_per_minute / g.instances;
    if (answered > 0) {
        g.error_rate_percent = errors / answered;
        g.response_time_seconds = time_sum / answered;
    }
    return g;
}

}  // namespace mindme::fleet
