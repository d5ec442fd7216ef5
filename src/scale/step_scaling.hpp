#pragma once
// Step and simple scaling's arithmetic (../shared/SCALING.md, "Step scaling"): which step
// an alarm's value falls in, and the capacity an adjustment asks for.
#include <optional>
#include <string_view>
#include <vector>

#include "metrics/alarm.hpp"

namespace mindme::scale {

enum class AdjustmentType { kChangeInCapacity, kExactCapacity, kPercentChangeInCapacity };
// AWS's names (ChangeInCapacity, ExactCapacity, PercentChangeInCapacity), both ways.
const char* adjustment_type_name(AdjustmentType type);
std::optional<AdjustmentType> adjustment_type_named(std::string_view name);

// Bounds are relative to the alarm's threshold (MetricIntervalLowerBound/UpperBound);
// nullopt is unbounded (−∞ below, +∞ above).
struct StepAdjustment {
    std::optional<double> lower;
    std::optional<double> upper;
    int adjustment = 0;  // ScalingAdjustment
};

struct StepPolicy {
    AdjustmentType type = AdjustmentType::kChangeInCapacity;
    std::vector<StepAdjustment> steps;
    std::optional<int> min_adjustment_magnitude;  // PercentChangeInCapacity only
    // MetricAggregationType: how the newest period's datapoints become the value the
    // steps are matched against (Average, Minimum or Maximum).
    metrics::Statistic aggregation = metrics::Statistic::kAverage;
};

// Throws std::invalid_argument naming the rule broken: steps that leave a gap or
// overlap, more than one unbounded lower or upper end, a step unbounded at both ends,
// a step whose lower bound is not below its upper, a negative ExactCapacity, a
// MinAdjustmentMagnitude on another type or below 1.
void validate(const StepPolicy& policy);

// The step for value V against the threshold: for V ≥ threshold the one with
// lower ≤ V − threshold < upper, below it the one with lower < V − threshold ≤ upper.
// nullptr when no step covers V.
const StepAdjustment* matching_step(const StepPolicy& policy, double value, double threshold);

// The capacity an adjustment asks for from `base` (before clamping to the group):
// ChangeInCapacity base + a; ExactCapacity a; PercentChangeInCapacity base + Δ with
// Δ = base·a/100 rounded as AWS does (> 1 down, between 0 and 1 up to 1, between −1 and
// 0 down to −1, below −1 toward zero), then raised to MinAdjustmentMagnitude in size.
int requested_capacity(const StepPolicy& policy, int adjustment, int base);

}  // namespace mindme::scale
