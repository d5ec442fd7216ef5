#include "scale/condition.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/text.hpp"

namespace mindme::scale {

namespace {

constexpr std::array<MetricInfo, 7> kMetrics{{
    {Metric::kCpu, "CPUUtilization", "cpu", "%", "AWS/EC2", "Average", "AutoScalingGroupName"},
    {Metric::kMemory, "MemoryUtilization", "memory", "%", "MindMe", "Average",
     "AutoScalingGroupName"},
    {Metric::kRequests, "RequestCount", "requests", "/minute", "AWS/ApplicationELB", "Sum",
     "LoadBalancer"},
    {Metric::kRequestsPerInstance, "RequestCountPerTarget", "requests_per_instance", "/minute",
     "AWS/ApplicationELB", "Sum", "TargetGroup"},
    {Metric::kErrorRate, "ErrorRate", "error_rate", "%", "MindMe", "Average",
     "AutoScalingGroupName"},
    {Metric::kResponseTime, "TargetResponseTime", "response_time", "seconds", "AWS/ApplicationELB",
     "Average", "LoadBalancer"},
    {Metric::kQueueDepth, "QueueDepth", "queue_depth", "", "MindMe", "Average",
     "AutoScalingGroupName"},
}};

struct Alias {
    const char* words;  // squeezed: lower case, letters and digits only
    Metric metric;
};
constexpr std::array<Alias, 22> kAliases{{
    {"cpu", Metric::kCpu},
    {"cpuutilization", Metric::kCpu},
    {"cpuutilisation", Metric::kCpu},
    {"memory", Metric::kMemory},
    {"memoryutilization", Metric::kMemory},
    {"memoryutilisation", Metric::kMemory},
    {"requests", Metric::kRequests},
    {"requestcount", Metric::kRequests},
    {"requestsperminute", Metric::kRequests},
    {"requestsperinstance", Metric::kRequestsPerInstance},
    {"requestcountpertarget", Metric::kRequestsPerInstance},
    {"requestsperinstanceperminute", Metric::kRequestsPerInstance},
    {"errorrate", Metric::kErrorRate},
    {"errors", Metric::kErrorRate},
    {"responsetime", Metric::kResponseTime},
    {"targetresponsetime", Metric::kResponseTime},
    {"latency", Metric::kResponseTime},
    {"queuedepth", Metric::kQueueDepth},
    {"queuelength", Metric::kQueueDepth},
    {"messages", Metric::kQueueDepth},
    {"queue", Metric::kQueueDepth},
    {"backlog", Metric::kQueueDepth},
}};

[[noreturn]] void refuse(const std::string& what, const std::string& why) {
    throw std::invalid_argument(what + ": " + why);
}

// The leading number of `text` (thousands separated by commas allowed) and the rest.
std::pair<double, std::string> split_number(std::string_view text, const std::string& what) {
    text = core::trim(text);
    std::string digits;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if ((c >= '0' && c <= '9') || c == '.' || (i == 0 && (c == '-' || c == '+')))
            digits += c;
        else if (c != ',' || i == 0 || i + 1 >= text.size() || text[i + 1] < '0' ||
                 text[i + 1] > '9')
            break;
    }
    double value = 0;
    if (!digits.empty() && digits.front() == '+') digits.erase(0, 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size())
        refuse(what, "expected a number, found \"" + std::string(text) + "\"");
    return {value, core::ascii_lower(core::trim(text.substr(i)))};
}

bool one_of(const std::string& unit, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (unit == n) return true;
    return false;
}

std::optional<double> seconds_per(const std::string& unit) {
    if (one_of(unit, {"", "s", "sec", "secs", "second", "seconds"})) return 1.0;
    if (one_of(unit, {"ms", "millisecond", "milliseconds"})) return 0.001;
    if (one_of(unit, {"m", "min", "mins", "minute", "minutes"})) return 60.0;
    if (one_of(unit, {"h", "hour", "hours"})) return 3600.0;
    return std::nullopt;
}

std::string_view cut(std::string_view& text, std::size_t at, std::size_t skip) {
    auto head = text.substr(0, at);
    text = text.substr(std::min(text.size(), at + skip));
    return head;
}

// "2 consecutive periods", "3 of 5 periods", "1 period": {M, N}.
std::pair<int, int> parse_periods(std::string_view text, const std::string& what) {
    auto words = core::ascii_lower(core::trim(text));
    auto whole = [&](std::string_view s) {
        int n = 0;
        auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (error != std::errc() || end != s.data() + s.size() || n < 1)
            refuse(what, "expected \"for N consecutive periods\" or \"for M of N periods\"");
        return n;
    };
    std::string_view rest = words;
    auto space = rest.find(' ');
    if (space == std::string_view::npos)
        refuse(what, "expected \"for N consecutive periods\" or \"for M of N periods\"");
    int m = whole(cut(rest, space, 1));
    int n = m;
    if (rest.starts_with("of ") || rest.starts_with("out of ")) {
        rest.remove_prefix(rest.starts_with("of ") ? 3 : 7);
        space = rest.find(' ');
        n = whole(cut(rest, space == std::string_view::npos ? rest.size() : space, 1));
    } else if (rest.starts_with("consecutive ")) {
        rest.remove_prefix(12);
    }
    if (rest != "periods" && rest != "period" && rest != "minutes" && rest != "minute")
        refuse(what, "expected \"for N consecutive periods\" or \"for M of N periods\"");
    if (m > n) refuse(what, "M of N periods needs M ≤ N");
    return {m, n};
}

Action parse_action(std::string_view text, const std::string& what) {
    auto words = core::ascii_lower(core::trim(text));
    std::string_view rest = words;
    int sign = 0;
    Action action;
    if (rest.starts_with("add ")) {
        sign = 1;
        rest.remove_prefix(4);
    } else if (rest.starts_with("remove ")) {
        sign = -1;
        rest.remove_prefix(7);
    } else if (rest.starts_with("set ")) {
        rest.remove_prefix(4);
        action.type = AdjustmentType::kExactCapacity;
    } else {
        refuse(what,
               "the action must be \"add N\", \"add N%\", \"remove N\", \"remove N%\" or "
               "\"set N\"");
    }
    auto [number, unit] = split_number(rest, what);
    if (number < 0 || number != std::floor(number) || number > 1e6)
        refuse(what, "the action's amount must be a whole number ≥ 0");
    if (unit == "%" || unit == "percent") {
        if (sign == 0) refuse(what, "\"set\" takes a number of instances, not a percentage");
        action.type = AdjustmentType::kPercentChangeInCapacity;
    } else if (one_of(unit, {"", "instance", "instances"})) {
        if (sign != 0) action.type = AdjustmentType::kChangeInCapacity;
    } else {
        refuse(what, "the action's amount is instances or a percentage, not \"" + unit + "\"");
    }
    action.adjustment = static_cast<int>(number) * (sign == 0 ? 1 : sign);
    return action;
}

}  // namespace

std::string squeezed(std::string_view words) {
    std::string out;
    for (char c : core::ascii_lower(words))
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    return out;
}

const MetricInfo& metric_info(Metric metric) {
    for (const auto& info : kMetrics)
        if (info.metric == metric) return info;
    throw std::logic_error("metric without info");
}

std::optional<Metric> metric_named(std::string_view words) {
    auto key = squeezed(words);
    for (const auto& alias : kAliases)
        if (key == alias.words) return alias.metric;
    return std::nullopt;
}

double parse_quantity(std::string_view text, Metric metric, const std::string& what) {
    auto [number, unit] = split_number(text, what);
    const auto& info = metric_info(metric);
    std::string expected = std::string("a number") + (*info.unit ? " in " : "") + info.unit;
    switch (metric) {
        case Metric::kCpu:
        case Metric::kMemory:
        case Metric::kErrorRate:
            if (!one_of(unit, {"", "%", "percent"})) refuse(what, "expected " + expected);
            return number;
        case Metric::kRequests:
        case Metric::kRequestsPerInstance:
            if (one_of(unit, {"/s", "/second", "per second"})) return number * 60;
            if (!one_of(unit, {"", "/minute", "/min", "/m", "per minute"}))
                refuse(what, "expected " + expected);
            return number;
        case Metric::kResponseTime:
            if (auto per = seconds_per(unit)) return number * *per;
            refuse(what, "expected " + expected);
        case Metric::kQueueDepth:
            if (!one_of(unit, {"", "message", "messages", "jobs"}))
                refuse(what, "expected " + expected);
            return number;
    }
    refuse(what, "unknown metric");
}

std::int64_t parse_seconds(std::string_view text, const std::string& what) {
    auto [number, unit] = split_number(text, what);
    auto per = seconds_per(unit);
    if (!per) refuse(what, "expected a duration such as \"300 seconds\" or \"5 minutes\"");
    double seconds = number * *per;
    if (seconds < 0 || seconds != std::floor(seconds) || seconds > 1e9)
        refuse(what, "expected a whole number of seconds ≥ 0");
    return static_cast<std::int64_t>(seconds);
}

Condition parse_condition(std::string_view text, const std::string& what) {
    Condition c;
    std::string_view rest = core::trim(text);
    // The action follows the last comma that is followed by a word (commas inside
    // numbers are followed by digits).
    for (auto comma = rest.rfind(','); comma != std::string_view::npos;
         comma = comma == 0 ? std::string_view::npos : rest.rfind(',', comma - 1)) {
        auto after = core::trim(rest.substr(comma + 1));
        if (!after.empty() && std::isalpha(static_cast<unsigned char>(after.front()))) {
            c.action = parse_action(after, what);
            rest = core::trim(rest.substr(0, comma));
            break;
        }
    }
    auto op = rest.find_first_of("<>");
    if (op == std::string_view::npos)
        refuse(what, "expected \"METRIC > VALUE\" (or <, >=, <=), e.g. \"CPU > 70%\"");
    bool greater = rest[op] == '>';
    bool or_equal = op + 1 < rest.size() && rest[op + 1] == '=';
    c.comparison = greater ? (or_equal ? metrics::Comparison::kGreaterThanOrEqualToThreshold
                                       : metrics::Comparison::kGreaterThanThreshold)
                           : (or_equal ? metrics::Comparison::kLessThanOrEqualToThreshold
                                       : metrics::Comparison::kLessThanThreshold);
    auto words = core::trim(cut(rest, op, or_equal ? 2 : 1));
    auto metric = metric_named(words);
    if (!metric)
        refuse(what, "unknown metric \"" + std::string(words) +
                         "\"; known: CPU, Memory, Request Count, Requests per Instance, Error "
                         "Rate, Response Time, Queue Depth");
    c.metric = *metric;
    auto lower = core::ascii_lower(rest);
    auto for_at = lower.find(" for ");
    if (for_at != std::string::npos) {
        std::tie(c.datapoints, c.periods) = parse_periods(rest.substr(for_at + 5), what);
        rest = rest.substr(0, for_at);
    }
    c.threshold = parse_quantity(rest, c.metric, what);
    return c;
}

}  // namespace mindme::scale
