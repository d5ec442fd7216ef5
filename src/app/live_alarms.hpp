#pragma once
// The seed's five CloudWatch alarms — CPU > 80 %, memory > 85 %, requests > 50,000 a
// minute, error rate > 5 %, response time > 2 s — evaluated in every process on its own
// metrics with CloudWatch's semantics (scale::Alarm: M of the last N periods), exported
// in /metrics as `alarm_state{alarm,state}` and `alarm_threshold{alarm}`, and logged on
// every change. Thresholds, period and M of N are configuration (alarms.*).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/config_fwd.hpp"
#include "metrics/fwd.hpp"
#include "scale/alarm.hpp"

namespace mindme::app {

void declare_alarms_config(core::ConfigSchema& schema);

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
ServerSample sample_server(const metrics::Registry& registry);

class LiveAlarms {
public:
    // Registers the /metrics collector. Nothing runs until start().
    LiveAlarms(const core::Config& config, metrics::Registry& registry);
    ~LiveAlarms();
    LiveAlarms(const LiveAlarms&) = delete;
    LiveAlarms& operator=(const LiveAlarms&) = delete;

    // Samples every period on a thread of its own, evaluating the alarms at each.
    void start();
    void stop();

    // The period ending at `now` (seconds, a multiple of the period) had these metrics:
    // records them and evaluates every alarm, logging changes.
    void evaluate(std::int64_t now, const ServerMetrics& metrics);
    std::vector<std::pair<std::string, scale::AlarmState>> states() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::app
