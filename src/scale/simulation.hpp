#pragma once
// Replays a metric trace through a group and its AWS policies and alarms, on the
// simulated clock: `mindme scale simulate`. The trace is CSV `t_seconds,metric,value`,
// one row per datapoint; target tracking policies read the rows of their metric
// (PredefinedMetricType or MetricName), alarms those of their MetricName. Evaluations
// come every 60 s (or the shortest alarm period) through the end of the trace; each
// writes a row `t_seconds,desired,in_service,warming,` then every alarm's state.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scale/aws_input.hpp"

namespace mindme::scale {

struct TracePoint {
    std::int64_t t = 0;
    std::string metric;
    double value = 0;
};

// A header line is allowed; errors (std::invalid_argument) name the line.
std::vector<TracePoint> parse_trace(const std::string& csv, const std::string& origin);

struct Simulation {
    GroupSpec group;
    std::vector<AwsPolicy> policies;
    std::vector<AwsAlarm> alarms;
    std::optional<Cooldowns> cooldowns;  // Application Auto Scaling's; none: EC2's rules
};

// The engine of a simulation, one evaluation at a time, for callers whose metrics depend
// on the capacity (mindme plan). Not movable: the scalers hold its group.
class Replay {
public:
    // Throws std::invalid_argument for an alarm that names a policy not given (or a
    // target tracking one, whose alarms are its own).
    explicit Replay(const Simulation& simulation);
    ~Replay();
    Replay(const Replay&) = delete;
    Replay& operator=(const Replay&) = delete;

    // The evaluation interval: 60 s, or the shortest alarm or target period.
    std::int64_t step_seconds() const;
    // A datapoint for every policy and alarm reading `metric`.
    void record(const std::string& metric, std::int64_t t, double value);
    // Evaluates every policy and alarm at `now`, scaling the group.
    void evaluate(std::int64_t now);
    const Group& group() const;
    // Alarm names (target tracking's high and low alarms first) and their states.
    const std::vector<std::string>& alarm_names() const;
    std::vector<metrics::AlarmState> alarm_states() const;

private:
    struct Engine;
    std::unique_ptr<Engine> engine_;
};

// The CSV of evaluations. Throws std::invalid_argument for an alarm that names a policy
// not given (or a target tracking one, whose alarms are its own).
std::string simulate(const Simulation& simulation, const std::vector<TracePoint>& trace);

}  // namespace mindme::scale
