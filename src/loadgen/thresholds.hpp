#pragma once
// Pass/fail criteria of a load test, as k6 writes them: "p99<50ms", "p50<=10ms",
// "max<2s", "error_rate<0.1%", "rps>=1000", over the whole test or, prefixed with a
// step's name and a colon, over one step ("create memory:p99<100ms"). A breached
// threshold makes `mindme loadtest` exit with kExitThresholds.
#include <optional>
#include <string>

#include "loadgen/stats.hpp"

namespace mindme::loadgen {

inline constexpr int kExitThresholds = 3;

struct Threshold {
    std::string text;    // as written
    std::string step;    // empty: the whole test
    std::string metric;  // p50 p90 p99 p999 max error_rate rps
    std::string op;      // < <= > >=
    double value = 0;    // ms for latencies, a fraction for error_rate, per second for rps
};

// nullopt when `text` is not a threshold.
std::optional<Threshold> parse_threshold(const std::string& text);

struct Verdict {
    bool passed = false;
    double actual = 0;  // in the threshold's unit
};
// A threshold on a step the result does not have fails.
Verdict evaluate(const Threshold& threshold, const RunResult& result);

}  // namespace mindme::loadgen
