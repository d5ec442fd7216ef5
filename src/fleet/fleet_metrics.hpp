#pragma once
// What the fleet's scaling reads: each process's /metrics turned into a sample, and a
// group's metrics over one period from the samples at its start and its end — the
// figures a policy file names (CPUUtilization, RequestCount, RequestCountPerTarget, ...).
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/server_sample.hpp"

namespace mindme::fleet {

struct ProcessSample {
    metrics::ServerSample server;  // requests without the fleet's own /health and /metrics
    double queue_depth = 0;        // jobs ready or leased, over every topic
};

ProcessSample parse_sample(std::string_view metrics_text, double wall_seconds);

struct GroupMetrics {
    int instances = 0;
    double cpu_percent = 0;  // the instances' average
    double memory_percent = 0;
    double requests_per_minute = 0;  // the group's sum
    double requests_per_instance_minute = 0;
    std::optional<double> error_rate_percent;
    std::optional<double> response_time_seconds;
};

// Each pair: one process's samples at the start and the end of the period.
GroupMetrics group_metrics(const std::vector<std::pair<ProcessSample, ProcessSample>>& samples,
                           double cores, double memory_limit_bytes);

}  // namespace mindme::fleet
