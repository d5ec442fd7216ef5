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

namespace mindme::scale {

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

struct AlarmSpec {
    std::string name;
    std::int64_t period_seconds = 60;
    int evaluation_periods = 1;   // N
    int datapoints_to_alarm = 0;  // M; 0: N
    Comparison comparison = Comparison::kGreaterThanThreshold;
    double threshold = 0;
    MissingData missing = MissingData::kMissing;
    std::int64_t action_interval_seconds = 60;  // re-invocation while in ALARM
};

// Throws std::invalid_argument naming the field when the spec cannot describe an alarm
// (period not positive, N < 1, M outside 1..N).
void validate(const AlarmSpec& spec);

class Alarm {
public:
    explicit Alarm(AlarmSpec spec);

    // The datapoint of the period that contains `t` (seconds); a second one for the
    // same period replaces the first (the caller aggregates).
    void record(std::int64_t t, double value);
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
    std::map<std::int64_t, double> points_;  // by period index
    AlarmState state_ = AlarmState::kInsufficientData;
    std::optional<std::int64_t> last_action_;
};

}  // namespace mindme::scale
