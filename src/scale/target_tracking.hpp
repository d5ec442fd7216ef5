#pragma once
// Target tracking on a group (../shared/SCALING.md, "Target tracking"): per policy two
// managed alarms — high (metric > T, 3 of 3 one-minute points) and low (metric <
// 0.9·T, 15 of 15) — and proposal = ceil(C·M/T), C the InService, non-warming capacity.
// Several policies: out if any wants out, in only if every policy that may scale in
// wants in; the largest proposal wins. Without cooldowns this is EC2 Auto Scaling (no
// scale-in while instances warm); with them, Application Auto Scaling's.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/alarm.hpp"
#include "scale/group.hpp"

namespace mindme::scale {

struct TargetTrackingSpec {
    std::string name;
    double target = 0;
    double scale_in_ratio = 0.9;  // the low alarm's threshold, times the target
    int high_periods = 3;
    int high_datapoints = 3;
    int low_periods = 15;
    int low_datapoints = 15;
    std::int64_t period_seconds = 60;
    bool disable_scale_in = false;
    std::optional<std::int64_t> warmup;  // EstimatedInstanceWarmup
};

// Application Auto Scaling's cooldowns: during a scale-out cooldown a further scale-out
// needs a larger proposal computed from the capacity before that scale-out; during a
// scale-in cooldown scale-in waits, while a scale-out runs at once and ends it.
struct Cooldowns {
    std::int64_t scale_out_seconds = 300;
    std::int64_t scale_in_seconds = 300;
    std::int64_t activity_latency_seconds = 0;  // a cooldown starts this long after the decision
};

class TargetTrackingScaler {
public:
    // Throws std::invalid_argument for a policy without a positive target.
    TargetTrackingScaler(Group& group, std::vector<TargetTrackingSpec> policies,
                         std::optional<Cooldowns> cooldowns = std::nullopt);

    // The metric of policy `i` for the period containing `t` (an average over the
    // capacity that counts, computed by the caller).
    void record(std::size_t i, std::int64_t t, double value);
    // Evaluates every policy's alarms at `now` and scales the group: its new desired
    // capacity.
    int evaluate(std::int64_t now);

    metrics::AlarmState high_state(std::size_t i) const { return policies_[i].high.state(); }
    metrics::AlarmState low_state(std::size_t i) const { return policies_[i].low.state(); }

private:
    struct Policy {
        TargetTrackingSpec spec;
        metrics::Alarm high;
        metrics::Alarm low;
    };
    int proposal(const Policy& p, int capacity) const;

    Group& group_;
    std::vector<Policy> policies_;
    std::optional<Cooldowns> cooldowns_;
    std::int64_t scale_out_cooldown_until_ = INT64_MIN;
    std::int64_t scale_in_cooldown_until_ = INT64_MIN;
    int capacity_before_scale_out_ = 0;
};

}  // namespace mindme::scale
