#include "scale/step_scaling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/enum_names.hpp"

namespace mindme::scale {

namespace {
constexpr std::pair<AdjustmentType, const char*> kAdjustmentTypes[] = {
    {AdjustmentType::kChangeInCapacity, "ChangeInCapacity"},
    {AdjustmentType::kExactCapacity, "ExactCapacity"},
    {AdjustmentType::kPercentChangeInCapacity, "PercentChangeInCapacity"},
};
}  // namespace

const char* adjustment_type_name(AdjustmentType type) {
    return core::name_in(kAdjustmentTypes, type);
}

std::optional<AdjustmentType> adjustment_type_named(std::string_view name) {
    return core::value_in(kAdjustmentTypes, name);
}

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double low(const StepAdjustment& s) { return s.lower.value_or(-kInfinity); }
double high(const StepAdjustment& s) { return s.upper.value_or(kInfinity); }

std::string range(const StepAdjustment& s) {
    auto bound = [](const std::optional<double>& b, const char* none) {
        if (!b) return std::string(none);
        auto text = std::to_string(*b);
        text.erase(text.find_last_not_of('0') + 1);
        if (!text.empty() && text.back() == '.') text.pop_back();
        return text;
    };
    return "[" + bound(s.lower, "-inf") + ", " + bound(s.upper, "+inf") + ")";
}

}  // namespace

void validate(const StepPolicy& policy) {
    if (policy.aggregation != metrics::Statistic::kAverage &&
        policy.aggregation != metrics::Statistic::kMinimum &&
        policy.aggregation != metrics::Statistic::kMaximum)
        throw std::invalid_argument("MetricAggregationType must be Average, Minimum or Maximum");
    if (policy.steps.empty()) throw std::invalid_argument("StepAdjustments: at least one step");
    int unbounded_lower = 0, unbounded_upper = 0;
    for (const auto& s : policy.steps) {
        if (!s.lower && !s.upper)
            throw std::invalid_argument(
                "StepAdjustments: a step needs MetricIntervalLowerBound or "
                "MetricIntervalUpperBound");
        if (s.lower && s.upper && !(*s.lower < *s.upper))
            throw std::invalid_argument("StepAdjustments: step " + range(s) +
                                        " has its lower bound not below its upper bound");
        unbounded_lower += !s.lower;
        unbounded_upper += !s.upper;
        if (policy.type == AdjustmentType::kExactCapacity && s.adjustment < 0)
            throw std::invalid_argument(
                "StepAdjustments: ExactCapacity needs a ScalingAdjustment of 0 or more");
    }
    if (unbounded_lower > 1)
        throw std::invalid_argument(
            "StepAdjustments: only one step may have no MetricIntervalLowerBound");
    if (unbounded_upper > 1)
        throw std::invalid_argument(
            "StepAdjustments: only one step may have no MetricIntervalUpperBound");
    auto sorted = policy.steps;
    std::sort(sorted.begin(), sorted.end(),
              [](const StepAdjustment& a, const StepAdjustment& b) { return low(a) < low(b); });
    for (std::size_t i = 1; i < sorted.size(); ++i) {
        auto previous_end = high(sorted[i - 1]), start = low(sorted[i]);
        if (previous_end < start)
            throw std::invalid_argument("StepAdjustments: a gap between " + range(sorted[i - 1]) +
                                        " and " + range(sorted[i]));
        if (previous_end > start)
            throw std::invalid_argument("StepAdjustments: " + range(sorted[i - 1]) + " and " +
                                        range(sorted[i]) + " overlap");
    }
    if (policy.min_adjustment_magnitude) {
        if (policy.type != AdjustmentType::kPercentChangeInCapacity)
            throw std::invalid_argument(
                "MinAdjustmentMagnitude applies to PercentChangeInCapacity only");
        if (*policy.min_adjustment_magnitude < 1)
            throw std::invalid_argument("MinAdjustmentMagnitude must be at least 1");
    }
}

const StepAdjustment* matching_step(const StepPolicy& policy, double value, double threshold) {
    double d = value - threshold;
    for (const auto& s : policy.steps) {
        bool inside =
            value >= threshold ? (low(s) <= d && d < high(s)) : (low(s) < d && d <= high(s));
        if (inside) return &s;
    }
    return nullptr;
}

int requested_capacity(const StepPolicy& policy, int adjustment, int base) {
    switch (policy.type) {
        case AdjustmentType::kChangeInCapacity:
            return base + adjustment;
        case AdjustmentType::kExactCapacity:
            return adjustment;
        case AdjustmentType::kPercentChangeInCapacity:
            break;
    }
    double x = static_cast<double>(base) * adjustment / 100.0;
    int delta = 0;
    if (x >= 1)
        delta = static_cast<int>(std::floor(x));
    else if (x > 0)
        delta = 1;
    else if (x > -1 && x < 0)
        delta = -1;
    else
        delta = static_cast<int>(std::trunc(x));  // toward zero
    if (policy.min_adjustment_magnitude && delta != 0 &&
        std::abs(delta) < *policy.min_adjustment_magnitude)
        delta = delta > 0 ? *policy.min_adjustment_magnitude : -*policy.min_adjustment_magnitude;
    return base + delta;
}

}  // namespace mindme::scale
