#pragma once
// Step and simple scaling policies acting on a group through their alarm
// (../shared/SCALING.md, "Step scaling"). Step scaling (with warm-up): the base is the
// capacity without warming instances, so a scale-out takes desired to max(desired,
// base + Δ) and repeated alarms within one step make one activity; scale-in waits while
// instances warm. Simple scaling: after an activity starts, alarms are ignored until it
// completes (its launches in service) and the cooldown — the policy's, else the group's
// DefaultCooldown — has passed.
#include <cstdint>
#include <optional>

#include "metrics/alarm.hpp"
#include "scale/group.hpp"
#include "scale/step_scaling.hpp"

namespace mindme::scale {

struct StepScalingSpec {
    StepPolicy policy;
    metrics::AlarmSpec alarm;
    std::optional<std::int64_t> warmup;  // EstimatedInstanceWarmup
};

struct SimpleScalingSpec {
    AdjustmentType type = AdjustmentType::kChangeInCapacity;
    int adjustment = 0;
    std::optional<int> min_adjustment_magnitude;
    metrics::AlarmSpec alarm;
    std::optional<std::int64_t> cooldown;  // Cooldown; else the group's DefaultCooldown
};

// A policy that its alarm invokes: fed the alarm's metric, evaluated on the clock.
class AlarmedScaler {
public:
    explicit AlarmedScaler(const metrics::AlarmSpec& alarm) : alarm_(alarm) {}
    virtual ~AlarmedScaler() = default;
    void record(std::int64_t t, double value) { alarm_.record(t, value); }
    // Evaluates the alarm at `now` and acts on the group: its desired capacity.
    virtual int evaluate(std::int64_t now) = 0;
    metrics::AlarmState state() const { return alarm_.state(); }

protected:
    metrics::Alarm alarm_;
};

class StepScaler final : public AlarmedScaler {
public:
    // Throws std::invalid_argument for steps or an alarm that cannot be.
    StepScaler(Group& group, StepScalingSpec spec);
    int evaluate(std::int64_t now) override;

private:
    Group& group_;
    StepScalingSpec spec_;
};

class SimpleScaler final : public AlarmedScaler {
public:
    SimpleScaler(Group& group, SimpleScalingSpec spec);
    int evaluate(std::int64_t now) override;

private:
    Group& group_;
    SimpleScalingSpec spec_;
    std::int64_t ignore_until_ = INT64_MIN;
};

}  // namespace mindme::scale
