#include "metrics/alarm.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "core/enum_names.hpp"

namespace mindme::metrics {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

const char* alarm_state_name(AlarmState state) {
    switch (state) {
        case AlarmState::kInsufficientData:
            return "INSUFFICIENT_DATA";
        case AlarmState::kOk:
            return "OK";
        case AlarmState::kAlarm:
            return "ALARM";
    }
    return "?";
}

namespace {
constexpr std::pair<Comparison, const char*> kComparisons[] = {
    {Comparison::kGreaterThanThreshold, "GreaterThanThreshold"},
    {Comparison::kGreaterThanOrEqualToThreshold, "GreaterThanOrEqualToThreshold"},
    {Comparison::kLessThanThreshold, "LessThanThreshold"},
    {Comparison::kLessThanOrEqualToThreshold, "LessThanOrEqualToThreshold"},
};
}  // namespace

constexpr std::pair<Statistic, const char*> kStatistics[] = {
    {Statistic::kAverage, "Average"},         {Statistic::kSum, "Sum"},
    {Statistic::kMinimum, "Minimum"},         {Statistic::kMaximum, "Maximum"},
    {Statistic::kSampleCount, "SampleCount"},
};

const char* statistic_name(Statistic statistic) { return core::name_in(kStatistics, statistic); }

std::optional<Statistic> statistic_named(std::string_view name) {
    return core::value_in(kStatistics, name);
}

const char* comparison_name(Comparison comparison) {
    return core::name_in(kComparisons, comparison);
}

std::optional<Comparison> comparison_named(std::string_view name) {
    return core::value_in(kComparisons, name);
}

void validate(const AlarmSpec& spec) {
    auto where = spec.name.empty() ? std::string("alarm") : "alarm " + spec.name;
    if (spec.period_seconds <= 0)
        throw std::invalid_argument(where + ": Period must be a positive number of seconds");
    if (spec.evaluation_periods < 1)
        throw std::invalid_argument(where + ": EvaluationPeriods must be at least 1");
    if (spec.datapoints_to_alarm < 0 || spec.datapoints_to_alarm > spec.evaluation_periods)
        throw std::invalid_argument(where +
                                    ": DatapointsToAlarm must be between 1 and EvaluationPeriods");
    if (spec.action_interval_seconds <= 0)
        throw std::invalid_argument(where + ": the action interval must be positive");
}

Alarm::Alarm(AlarmSpec spec) : spec_(std::move(spec)) {
    validate(spec_);
    m_ = spec_.datapoints_to_alarm > 0 ? spec_.datapoints_to_alarm : spec_.evaluation_periods;
}

double Alarm::Datapoints::value(Statistic statistic) const {
    switch (statistic) {
        case Statistic::kAverage:
            return sum / count;
        case Statistic::kSum:
            return sum;
        case Statistic::kMinimum:
            return min;
        case Statistic::kMaximum:
            return max;
        case Statistic::kSampleCount:
            return count;
    }
    return sum / count;
}

void Alarm::record(std::int64_t t, double value) {
    auto period = floor_div(t, spec_.period_seconds);
    auto& d = points_[period];
    d.min = d.count == 0 ? value : std::min(d.min, value);
    d.max = d.count == 0 ? value : std::max(d.max, value);
    d.sum += value;
    ++d.count;
    // Only the evaluation range (N + 2 periods) is ever read: a process that runs for
    // months keeps a few periods, not all of them.
    auto keep_from = points_.rbegin()->first - (spec_.evaluation_periods + 2);
    points_.erase(points_.begin(), points_.lower_bound(keep_from));
}

std::optional<double> Alarm::newest(Statistic statistic) const {
    if (points_.empty()) return std::nullopt;
    return points_.rbegin()->second.value(statistic);
}

bool Alarm::breaches(double v) const {
    switch (spec_.comparison) {
        case Comparison::kGreaterThanThreshold:
            return v > spec_.threshold;
        case Comparison::kGreaterThanOrEqualToThreshold:
            return v >= spec_.threshold;
        case Comparison::kLessThanThreshold:
            return v < spec_.threshold;
        case Comparison::kLessThanOrEqualToThreshold:
            return v <= spec_.threshold;
    }
    return false;
}

AlarmState Alarm::decide(std::int64_t now) const {
    const int n = spec_.evaluation_periods;
    // Periods that ended by `now`, newest first: the evaluation range is N + 2 of them.
    std::int64_t newest = floor_div(now, spec_.period_seconds) - 1;
    std::vector<std::optional<double>> range;
    for (std::int64_t p = newest; p > newest - (n + 2); --p) {
        auto it = points_.find(p);
        range.push_back(it == points_.end()
                            ? std::nullopt
                            : std::optional<double>(it->second.value(spec_.statistic)));
    }
    int real = 0;
    for (const auto& v : range) real += v.has_value();

    if (real >= n) {
        // Enough real points: the newest N decide, missing data plays no part.
        int breaching = 0, taken = 0;
        for (const auto& v : range) {
            if (!v) continue;
            breaching += breaches(*v);
            if (++taken == n) break;
        }
        return breaching >= m_ ? AlarmState::kAlarm : AlarmState::kOk;
    }
    if (real == 0) {
        switch (spec_.missing) {
            case MissingData::kMissing:
                return AlarmState::kInsufficientData;
            case MissingData::kIgnore:
                return state_;
            case MissingData::kBreaching:
                return AlarmState::kAlarm;
            case MissingData::kNotBreaching:
                return AlarmState::kOk;
        }
    }
    // Some real points, fewer than N: the last N periods, gaps filled as treated.
    int breaching = 0;
    for (int i = 0; i < n; ++i) {
        const auto& v = range[static_cast<std::size_t>(i)];
        if (v)
            breaching += breaches(*v);
        else if (spec_.missing == MissingData::kBreaching)
            ++breaching;
    }
    if (breaching >= m_) return AlarmState::kAlarm;
    if (spec_.missing == MissingData::kMissing || spec_.missing == MissingData::kIgnore) {
        // Premature-alarm rule: the oldest breaching point of the last N is at least M
        // periods old and nothing newer contradicts it (every newer point breaches or is
        // missing): the alarm does not wait for data that is late.
        for (int i = n - 1; i >= 0; --i) {
            const auto& v = range[static_cast<std::size_t>(i)];
            if (!v || !breaches(*v)) continue;
            if (i + 1 < m_) break;  // the oldest breach is younger than M periods
            bool contradicted = false;
            for (int j = i - 1; j >= 0; --j) {
                const auto& newer = range[static_cast<std::size_t>(j)];
                if (newer && !breaches(*newer)) contradicted = true;
            }
            if (!contradicted) return AlarmState::kAlarm;
            break;
        }
    }
    return AlarmState::kOk;
}

AlarmState Alarm::evaluate(std::int64_t now) {
    auto next = decide(now);
    if (next != AlarmState::kAlarm) last_action_.reset();
    state_ = next;
    // Points older than any future evaluation range are of no more use.
    auto oldest_kept = floor_div(now, spec_.period_seconds) - (spec_.evaluation_periods + 3);
    points_.erase(points_.begin(), points_.lower_bound(oldest_kept));
    return state_;
}

bool Alarm::take_action(std::int64_t now) {
    if (state_ != AlarmState::kAlarm) return false;
    if (last_action_ && now - *last_action_ < spec_.action_interval_seconds) return false;
    last_action_ = now;
    return true;
}

}  // namespace mindme::metrics
