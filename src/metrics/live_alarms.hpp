#pragma once
// The seed's five CloudWatch alarms — CPU > 80 %, memory > 85 %, requests > 50,000 a
// minute, error rate > 5 %, response time > 2 s — evaluated in every process on its own
// metrics with CloudWatch's semantics (Alarm: M of the last N periods), exported
// in /metrics as `alarm_state{alarm,state}` and `alarm_threshold{alarm}`, and logged on
// every change. Thresholds, period and M of N are configuration (alarms.*).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/config_fwd.hpp"
#include "metrics/alarm.hpp"
#include "metrics/server_sample.hpp"

namespace mindme::metrics {

void declare_alarms_config(core::ConfigSchema& schema);

class LiveAlarms {
public:
    // Registers the /metrics collector. Nothing runs until start().
    LiveAlarms(const core::Config& config, Registry& registry);
    ~LiveAlarms();
    LiveAlarms(const LiveAlarms&) = delete;
    LiveAlarms& operator=(const LiveAlarms&) = delete;

    // Samples every period on a thread of its own, evaluating the alarms at each.
    void start();
    void stop();

    // The period ending at `now` (seconds, a multiple of the period) had these metrics:
    // records them and evaluates every alarm, logging changes.
    void evaluate(std::int64_t now, const ServerMetrics& metrics);
    std::vector<std::pair<std::string, AlarmState>> states() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::metrics
