#pragma once
// Scaling conditions written the way the seeds write them: "CPU > 70% for 2 consecutive
// periods", "Request Count > 75,000/minute", "Response Time > 2 seconds", optionally
// followed by an action: ", add 10%", ", remove 2", ", set 50". The metric words, the
// unit and the action are checked against each other; errors (std::invalid_argument)
// say what was expected.
#include <optional>
#include <string>
#include <string_view>

#include "metrics/alarm.hpp"
#include "scale/step_scaling.hpp"

namespace mindme::scale {

// `words` lower-cased with everything but letters and digits dropped: how policy files
// compare keys and metric names ("Min Size", "min_size" and "MinSize" are one key).
std::string squeezed(std::string_view words);

// The metrics a policy file may name. Each has one unit and one name in traces (the
// CloudWatch name where there is one).
enum class Metric {
    kCpu,                  // percent, the group's average: CPUUtilization
    kMemory,               // percent, the group's average: MemoryUtilization
    kRequests,             // per minute, the group's sum: RequestCount
    kRequestsPerInstance,  // per minute per instance: RequestCountPerTarget
    kErrorRate,            // percent of requests answered 5xx: ErrorRate
    kResponseTime,         // seconds, average: TargetResponseTime
    kQueueDepth,           // messages waiting: QueueDepth
};

struct MetricInfo {
    Metric metric;
    const char* trace_name;  // the metric column value in traces, and its CloudWatch name
    const char* id;          // short lower-case name: alarm names, labels
    const char* unit;        // "%", "/minute", "seconds" or "" — how it is written
    // Where CloudWatch has it: AWS's own metrics where there is one (AWS/EC2, AWS/
    // ApplicationELB), else the MindMe namespace, which a metrics agent fills from
    // /metrics; the statistic an alarm on it reads; the dimension that scopes it
    // (AutoScalingGroupName, LoadBalancer or TargetGroup).
    const char* name_space;
    const char* statistic;
    const char* dimension;
};
const MetricInfo& metric_info(Metric metric);
// The metric named by words such as "CPU", "CPU Utilization", "Request Count",
// "Requests per Instance", "Error Rate", "Response Time", "Queue Depth"
// (case, spaces, hyphens and underscores ignored); nullopt when none.
std::optional<Metric> metric_named(std::string_view words);

// "70%", "1,000/minute", "300 seconds", "2 s", "500ms", "50": the number in the unit
// of `metric` (seconds for times). `what` names the value in errors.
double parse_quantity(std::string_view text, Metric metric, const std::string& what);
// "300 seconds", "5 minutes", "90s", "2m", "300": whole seconds ≥ 0.
std::int64_t parse_seconds(std::string_view text, const std::string& what);

struct Action {
    AdjustmentType type = AdjustmentType::kPercentChangeInCapacity;
    int adjustment = 0;  // signed
};

struct Condition {
    Metric metric = Metric::kCpu;
    metrics::Comparison comparison = metrics::Comparison::kGreaterThanThreshold;
    double threshold = 0;
    int periods = 1;     // N
    int datapoints = 1;  // M
    std::optional<Action> action;
};

// METRIC OP QUANTITY [for N [consecutive] periods | for M of N periods] [, ACTION]
// with OP one of > >= < <= and ACTION "add N", "add N%", "remove N", "remove N%" or
// "set N".
Condition parse_condition(std::string_view text, const std::string& what);

}  // namespace mindme::scale
