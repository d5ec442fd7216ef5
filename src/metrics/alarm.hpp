#pragma once
// A CloudWatch metric alarm on a simulated clock (../shared/SCALING.md, "CloudWatch
// alarm"): one datapoint per period, N evaluation periods, M datapoints to alarm,
// TreatMissingData, the premature-alarm rule, and an action that an ALARM invokes on
// entering the state and again every 60 s while it stays there.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mindme::metrics {

enum class AlarmState { kInsufficientData, kOk, kAlarm };
const char* alarm_state_name(AlarmState state);  // INSUFFICIENT_DATA, OK, ALARM

enum class Comparison {
    kGreaterThanThreshold,
    kGreaterThanOrEqualToThreshold,
    kLessThanThreshold,
    kLessThanOrEqualToThreshold,
};

// AWS's names (GreaterThanThreshold, ...), both ways.
const char* comparison_name(Comparison comparison);
std::optional<Comparison> comparison_named(std::string_view name);

enum class MissingData { kMissing, kIgnore, kBreaching, kNotBreaching };

// How a period's datapoints become one value: the alarm's Statistic, or a step policy's
// MetricAggregationType (Average, Minimum, Maximum). AWS's names, both ways.
enum class Statistic { kAverage, kSum, kMinimum, kMaximum, kSampleCount };
const char* statistic_name(Statistic statistic);
std::optional<Statistic> statistic_named(std::string_view name);

struct AlarmSpec {
    std::string name;
    std::int64_t period_seconds = 60;
    int evaluation_periods = 1;   // N
    int datapoints_to_alarm = 0;  // M; 0: N
    Comparison comparison = Comparison::kGreaterThanThreshold;
    double threshold = 0;
    MissingData missing = MissingData::kMissing;
    Statistic statistic = Statistic::kAverage;
    std::int64_t action_interval_seconds = 60;  // re-invocation while in ALARM
};

// Throws std::invalid_argument naming the field when the spec cannot describe an alarm
// (period not positive, N < 1, M outside 1..N).
void validate(const AlarmSpec& spec);

class Alarm {
public:
    explicit Alarm(AlarmSpec spec);

    // A datapoint of the period that contains `t` (seconds); a period's datapoints
    // aggregate by the Statistic. Periods older than the evaluation range are forgotten.
    void record(std::int64_t t, double value);
    // The newest period that has datapoints, aggregated by `statistic`; nullopt before any.
    std::optional<double> newest(Statistic statistic) const;
    // Evaluates the periods that ended by `now`; returns the state.
    AlarmState evaluate(std::int64_t now);
    AlarmState state() const { return state_; }
    // Whether the alarm's action runs at `now`: on entering ALARM, then every
    // action_interval_seconds while it stays. Call after evaluate().
    bool take_action(std::int64_t now);
    const AlarmSpec& spec() const { return spec_; }

private:
    bool breaches(double value) const;
    AlarmState decide(std::int64_t now) const;

    AlarmSpec spec_;
    int m_;
    struct Datapoints {
        double sum = 0;
        double min = 0;
        double max = 0;
        int count = 0;
        double value(Statistic statistic) const;
    };
    std::map<std::int64_t, Datapoints> points_;  // by period index
    AlarmState state_ = AlarmState::kInsufficientData;
    std::optional<std::int64_t> last_action_;
};

}  // namespace mindme::metrics
