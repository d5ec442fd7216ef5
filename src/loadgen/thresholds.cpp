#include "loadgen/thresholds.hpp"

#include <algorithm>

namespace mindme::loadgen {

namespace {

bool is_latency(const std::string& metric) {
    return metric == "p50" || metric == "p90" || metric == "p99" || metric == "p999" ||
           metric == "max";
}

}  // namespace

std::optional<Threshold> parse_threshold(const std::string& text) {
    Threshold t;
    t.text = text;
    auto at = text.find_first_of("<>");
    if (at == std::string::npos || at == 0) return std::nullopt;
    t.metric = text.substr(0, at);
    if (auto colon = t.metric.rfind(':'); colon != std::string::npos) {
        t.step = t.metric.substr(0, colon);
        t.metric = t.metric.substr(colon + 1);
        if (t.step.empty()) return std::nullopt;
    }
    t.op = text.substr(at, at + 1 < text.size() && text[at + 1] == '=' ? 2 : 1);
    auto number = text.substr(at + t.op.size());
    std::size_t used = 0;
    try {
        t.value = std::stod(number, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    auto unit = number.substr(used);
    if (is_latency(t.metric)) {
        if (unit == "ms") {
        } else if (unit == "s") {
            t.value *= 1000;
        } else if (unit == "us") {
            t.value /= 1000;
        } else {
            return std::nullopt;
        }
    } else if (t.metric == "error_rate") {
        if (unit == "%")
            t.value /= 100;
        else if (!unit.empty())
            return std::nullopt;
    } else if (t.metric == "rps") {
        if (!unit.empty()) return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (t.value < 0) return std::nullopt;
    return t;
}

Verdict evaluate(const Threshold& t, const RunResult& result) {
    StepStats r;
    if (t.step.empty()) {
        r = result.overall();
    } else {
        auto it = std::find(result.step_names.begin(), result.step_names.end(), t.step);
        if (it == result.step_names.end()) return {false, 0};
        r = result.steps.at(static_cast<std::size_t>(it - result.step_names.begin()));
    }
    double actual = 0;
    if (t.metric == "error_rate") {
        actual = r.error_rate();
    } else if (t.metric == "rps") {
        actual = result.rps(r);
    } else {
        double q = t.metric == "p50"    ? 0.5
                   : t.metric == "p90"  ? 0.9
                   : t.metric == "p99"  ? 0.99
                   : t.metric == "p999" ? 0.999
                                        : 1.0;
        actual = static_cast<double>(q < 1.0 ? r.latency.value_at(q) : r.latency.max()) / 1000.0;
    }
    bool passed = t.op == "<"    ? actual < t.value
                  : t.op == "<=" ? actual <= t.value
                  : t.op == ">"  ? actual > t.value
                                 : actual >= t.value;
    return {passed, actual};
}

}  // namespace mindme::loadgen
