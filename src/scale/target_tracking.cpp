#include "scale/target_tracking.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mindme::scale {

namespace {

metrics::Alarm managed_alarm(const TargetTrackingSpec& s, bool high) {
    metrics::AlarmSpec a;
    a.name = s.name + (high ? "-AlarmHigh" : "-AlarmLow");
    a.period_seconds = s.period_seconds;
    a.evaluation_periods = high ? s.high_periods : s.low_periods;
    a.datapoints_to_alarm = high ? s.high_datapoints : s.low_datapoints;
    a.comparison =
        high ? metrics::Comparison::kGreaterThanThreshold : metrics::Comparison::kLessThanThreshold;
    a.threshold = high ? s.target : s.target * s.scale_in_ratio;
    a.missing = metrics::MissingData::kMissing;  // missing data: no scaling
    return metrics::Alarm(a);
}

}  // namespace

TargetTrackingScaler::TargetTrackingScaler(Group& group, std::vector<TargetTrackingSpec> policies,
                                           std::optional<Cooldowns> cooldowns)
    : group_(group), cooldowns_(cooldowns) {
    for (auto& s : policies) {
        if (!(s.target > 0))
            throw std::invalid_argument("policy " + s.name + ": TargetValue must be positive");
        policies_.push_back(Policy{s, managed_alarm(s, true), managed_alarm(s, false)});
    }
}

void TargetTrackingScaler::record(std::size_t i, std::int64_t t, double value) {
    auto& p = policies_.at(i);
    p.high.record(t, value);
    p.low.record(t, value);
}

int TargetTrackingScaler::proposal(const Policy& p, int capacity) const {
    auto metric = p.high.newest(metrics::Statistic::kAverage).value_or(0);
    return static_cast<int>(std::ceil(capacity * metric / p.spec.target - 1e-9));
}

int TargetTrackingScaler::evaluate(std::int64_t now) {
    int capacity = group_.capacity(now);
    int desired = group_.desired();
    bool in_cooldown_out = cooldowns_ && now < scale_out_cooldown_until_;
    // While a scale-out cools down, its instances do not count yet.
    int base = in_cooldown_out ? capacity_before_scale_out_ : capacity;

    std::optional<int> out;
    std::optional<std::int64_t> out_warmup;
    int may_scale_in = 0, want_in = 0, in = 0;
    std::optional<std::int64_t> in_warmup;
    for (auto& p : policies_) {
        p.high.evaluate(now);
        p.low.evaluate(now);
        bool high = p.high.take_action(now);
        bool low = p.low.take_action(now);
        if (!p.high.newest(metrics::Statistic::kAverage)) continue;
        if (high) {
            int wanted = proposal(p, base);
            if (!out || wanted > *out) {
                out = wanted;
                out_warmup = p.spec.warmup;
            }
        }
        if (!p.spec.disable_scale_in) {
            ++may_scale_in;
            if (low) {
                ++want_in;
                int wanted = proposal(p, capacity);
                if (want_in == 1 || wanted > in) {
                    in = wanted;
                    in_warmup = p.spec.warmup;
                }
            }
        }
    }

    auto latency = cooldowns_ ? cooldowns_->activity_latency_seconds : 0;
    if (out && *out > desired) {
        group_.set_desired(std::max(desired, *out), now, group_.warmup_for(out_warmup));
        if (cooldowns_) {
            if (!in_cooldown_out) capacity_before_scale_out_ = capacity;
            scale_out_cooldown_until_ = now + latency + cooldowns_->scale_out_seconds;
            scale_in_cooldown_until_ = INT64_MIN;  // a scale-out ends a scale-in cooldown
        }
        return group_.desired();
    }
    if (may_scale_in > 0 && want_in == may_scale_in && in < desired) {
        bool blocked = cooldowns_ ? now < scale_in_cooldown_until_ : group_.warming(now) > 0;
        if (!blocked) {
            group_.set_desired(in, now, group_.warmup_for(in_warmup));
            if (cooldowns_) scale_in_cooldown_until_ = now + latency + cooldowns_->scale_in_seconds;
        }
    }
    return group_.desired();
}

}  // namespace mindme::scale
