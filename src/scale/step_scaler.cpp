#include "scale/step_scaler.hpp"

#include <algorithm>
#include <stdexcept>

namespace mindme::scale {

StepScaler::StepScaler(Group& group, StepScalingSpec spec)
    : AlarmedScaler(spec.alarm), group_(group), spec_(std::move(spec)) {
    validate(spec_.policy);
}

int StepScaler::evaluate(std::int64_t now) {
    alarm_.evaluate(now);
    auto value = alarm_.newest(spec_.policy.aggregation);
    if (!alarm_.take_action(now) || !value) return group_.desired();
    const auto* step = matching_step(spec_.policy, *value, spec_.alarm.threshold);
    if (!step) return group_.desired();
    int base = group_.capacity(now);  // warming instances excluded
    int target = group_.clamp(requested_capacity(spec_.policy, step->adjustment, base));
    int desired = group_.desired();
    auto warmup = group_.warmup_for(spec_.warmup);
    if (target > desired) return group_.set_desired(target, now, warmup);
    if (target < desired && group_.warming(now) == 0 && group_.pending(now) == 0)
        return group_.set_desired(target, now, warmup);
    return desired;
}

SimpleScaler::SimpleScaler(Group& group, SimpleScalingSpec spec)
    : AlarmedScaler(spec.alarm), group_(group), spec_(std::move(spec)) {
    StepPolicy check{
        spec_.type, {{0.0, std::nullopt, spec_.adjustment}}, spec_.min_adjustment_magnitude};
    validate(check);
}

int SimpleScaler::evaluate(std::int64_t now) {
    alarm_.evaluate(now);
    if (now < ignore_until_ || !alarm_.take_action(now)) return group_.desired();
    StepPolicy policy{spec_.type, {}, spec_.min_adjustment_magnitude};
    int desired = group_.desired();
    int target = group_.clamp(requested_capacity(policy, spec_.adjustment, desired));
    if (target == desired) return desired;
    group_.set_desired(target, now, group_.warmup_for(std::nullopt));
    // The activity completes when its launches are in service (a scale-in at once).
    auto completes = target > desired ? now + group_.launch_seconds() : now;
    ignore_until_ = completes + spec_.cooldown.value_or(group_.default_cooldown());
    return group_.desired();
}

}  // namespace mindme::scale
