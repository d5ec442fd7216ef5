#include "scale/capacity_plan.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/text.hpp"
#include "scale/yaml_input.hpp"

namespace mindme::scale {

namespace {

constexpr double kLongestResponseSeconds = 60;  // what an overloaded period reports

double number(const YAML::Node& node, const std::string& where) {
    return read<double>(node, where, "expected a number");
}

CapacityModel capacity_mapping(const YAML::Node& node, const std::string& where,
                               const std::string& base_dir) {
    CapacityModel c;
    for_each_setting(
        node, where, ".", [&](const std::string& key, const std::string& at, const YAML::Node& v) {
            if (key == "measured" || key == "from") {
                auto path = v.as<std::string>();
                if (!path.starts_with("/")) path = base_dir + "/" + path;
                auto measured = parse_capacity_json(core::read_text_file(path), path);
                c.requests_per_second = measured.requests_per_second;
                c.source = measured.source;
            } else if (key == "requestspersecond") {
                // A bare number is per second here; a written unit converts.
                auto text = v.Scalar();
                bool unit = text.find_first_of("/p") != std::string::npos;
                c.requests_per_second =
                    parse_quantity(text, Metric::kRequests, at) / (unit ? 60 : 1);
            } else if (key == "requestsperminute") {
                c.requests_per_second = parse_quantity(v.Scalar(), Metric::kRequests, at) / 60;
            } else if (key == "latency" || key == "baselatency") {
                c.base_latency_seconds = parse_quantity(v.Scalar(), Metric::kResponseTime, at);
            } else if (key == "memoryutilization" || key == "memory") {
                c.memory_percent = parse_quantity(v.Scalar(), Metric::kMemory, at);
            } else if (key == "requestsperuserperminute") {
                c.requests_per_user_minute = number(v, at);
            } else if (key == "source" || key == "derivation") {
                c.source = v.Scalar();
            } else {
                refuse(at,
                       "unknown setting; known: Measured, Requests per Second, Requests per "
                       "Minute, Latency, Memory Utilization, Requests per User per Minute, "
                       "Source");
            }
        });
    return c;
}

// "8 KB", "512 B", "1.5 MB", "8": kilobytes (of 1,024 bytes).
double kilobytes(const std::string& text, const std::string& where) {
    double size = 0;
    std::size_t used = 0;
    try {
        size = std::stod(text, &used);
    } catch (const std::exception&) {
        refuse(where, "expected a size such as \"8 KB\"");
    }
    auto unit = squeezed(text.substr(used));
    if (unit == "b" || unit == "bytes") return size / 1024;
    if (unit == "mb" || unit == "mib") return size * 1024;
    if (!(unit.empty() || unit == "kb" || unit == "kib") || size < 0)
        refuse(where, "expected a size such as \"8 KB\"");
    return size;
}

Services services_mapping(const YAML::Node& node, const std::string& where) {
    Services s;
    for_each_setting(
        node, where, ".", [&](const std::string& key, const std::string& at, const YAML::Node& v) {
            if (key == "database") {
                s.database = read<std::string>(v, at);
            } else if (key == "multiaz") {
                s.database_multi_az = read<bool>(v, at);
            } else if (key == "readreplicas") {
                s.read_replicas = read<int>(v, at);
            } else if (key == "cachenode") {
                s.cache_node = read<std::string>(v, at);
            } else if (key == "cachenodes") {
                s.cache_nodes = read<int>(v, at);
            } else if (key == "loadbalancer") {
                s.load_balancer = read<bool>(v, at);
            } else if (key == "responsesize") {
                s.kilobytes_per_request = kilobytes(read<std::string>(v, at), at);
            } else {
                refuse(at,
                       "unknown setting; known: Database, Multi-AZ, Read Replicas, Cache "
                       "Node, Cache Nodes, Load Balancer, Response Size");
            }
        });
    if (s.read_replicas < 0 || s.cache_nodes < 0)
        refuse(where, "Read Replicas and Cache Nodes must be ≥ 0");
    if (!s.cache_node.empty() && s.cache_nodes == 0) s.cache_nodes = 1;
    return s;
}

double value_at(const Traffic& traffic, std::int64_t t) {
    auto after = std::upper_bound(traffic.points.begin(), traffic.points.end(), t,
                                  [](std::int64_t x, const TrafficPoint& p) { return x < p.t; });
    if (after == traffic.points.begin()) return traffic.points.front().value;
    return std::prev(after)->value;
}

}  // namespace

CapacityModel parse_capacity_json(const std::string& text, const std::string& origin) {
    auto doc = load_mapping(text, origin, "a bench/capacity.sh result");
    if (!doc["requests_per_second"])
        refuse(origin, "expected a bench/capacity.sh result with requests_per_second");
    CapacityModel c;
    c.requests_per_second = number(doc["requests_per_second"], origin + ": requests_per_second");
    std::string shape = doc["shape"] ? doc["shape"].as<std::string>() : "?";
    std::string date = doc["date"] ? doc["date"].as<std::string>() : "?";
    std::string cores = doc["cores"] ? doc["cores"].as<std::string>() : "?";
    c.source = "measured " + date + " by " +
               (doc["measured_with"] ? doc["measured_with"].as<std::string>()
                                     : std::string("bench/capacity.sh")) +
               " (shape " + shape + ", " + cores + " cores)";
    if (!(c.requests_per_second > 0)) refuse(origin, "requests_per_second must be positive");
    return c;
}

Fleet parse_fleet(const std::string& text, const std::string& origin, const std::string& base_dir) {
    Fleet fleet;
    fleet.policy = parse_policy_file(text, origin);
    fleet.name = fleet.policy.name.empty() ? origin : fleet.policy.name;
    auto doc = YAML::Load(text);
    for_each_setting(
        doc, origin, ": ",
        [&](const std::string& key, const std::string& where, const YAML::Node& value) {
            if (key == "capacity") {
                if (value.IsScalar()) {
                    auto path = value.Scalar();
                    if (!path.starts_with("/")) path = base_dir + "/" + path;
                    fleet.capacity = parse_capacity_json(core::read_text_file(path), path);
                } else if (value.IsMap()) {
                    fleet.capacity = capacity_mapping(value, where, base_dir);
                } else {
                    refuse(where, "expected a mapping or the path of a bench/capacity.sh result");
                }
            } else if (key == "services") {
                if (!value.IsMap()) refuse(where, "expected a mapping");
                fleet.services = services_mapping(value, where);
            }
        });
    if (!(fleet.capacity.requests_per_second > 0))
        refuse(origin,
               "Capacity is required: Requests per Second per instance, or the path "
               "of a bench/capacity.sh result");
    return fleet;
}

Traffic parse_traffic(const std::string& csv, const std::string& origin) {
    Traffic traffic;
    std::istringstream in(csv);
    std::string line;
    std::int64_t unit = 1;
    bool header = false;
    for (int number = 1; std::getline(in, line); ++number) {
        auto trimmed = core::trim(line, " \t\r");
        if (trimmed.empty() || trimmed.front() == '#') continue;
        auto where = origin + ":" + std::to_string(number);
        auto cells = core::split_list(trimmed);
        if (cells.size() != 2) refuse(where, "expected two columns");
        if (!header) {
            header = true;
            if (cells[0] == "minute")
                unit = 60;
            else if (cells[0] != "t_seconds")
                refuse(where,
                       "the header must be t_seconds (or minute), then users or "
                       "requests_per_minute");
            if (cells[1] == "users")
                traffic.users = true;
            else if (cells[1] != "requests_per_minute")
                refuse(where, "the second column must be users or requests_per_minute");
            continue;
        }
        TrafficPoint p;
        auto [end, error] =
            std::from_chars(cells[0].data(), cells[0].data() + cells[0].size(), p.t);
        if (error != std::errc() || end != cells[0].data() + cells[0].size() || p.t < 0)
            refuse(where, "the time must be a whole number ≥ 0");
        p.t *= unit;
        auto [vend, verror] =
            std::from_chars(cells[1].data(), cells[1].data() + cells[1].size(), p.value);
        if (verror != std::errc() || vend != cells[1].data() + cells[1].size() || p.value < 0 ||
            !std::isfinite(p.value))
            refuse(where, "the value must be a number ≥ 0");
        if (!traffic.points.empty() && p.t <= traffic.points.back().t)
            refuse(where, "times must increase");
        traffic.points.push_back(p);
    }
    if (traffic.points.empty()) refuse(origin, "no traffic rows");
    return traffic;
}

PlanResult run_plan(const Fleet& fleet, const Traffic& traffic, double slo_seconds) {
    Replay replay(to_simulation(fleet.policy));
    const auto& group = replay.group();
    PlanResult r;
    r.fleet = fleet.name;
    r.alarm_names = replay.alarm_names();
    r.seconds_in_alarm.assign(r.alarm_names.size(), 0);
    r.step_seconds = replay.step_seconds();
    const auto step = r.step_seconds;
    const auto& points = traffic.points;
    r.duration_seconds = points.back().t + 60;  // the last row covers a minute
    const auto& c = fleet.capacity;
    r.least_desired = group.desired();
    double desired_seconds = 0;
    for (std::int64_t now = step; now <= r.duration_seconds; now += step) {
        std::int64_t start = now - step;
        double per_minute =
            value_at(traffic, start) * (traffic.users ? c.requests_per_user_minute : 1.0);
        int serving = group.in_service(start);
        double rho = serving == 0 ? (per_minute > 0 ? INFINITY : 0)
                                  : per_minute / 60.0 / serving / c.requests_per_second;
        PlanRow row;
        row.t = now;
        row.requests_per_minute = per_minute;
        row.cpu_percent = 100 * std::min(rho, 1.0);
        row.response_time_seconds =
            rho < 1 ? std::min(c.base_latency_seconds / (1 - rho), kLongestResponseSeconds)
                    : kLongestResponseSeconds;
        row.error_rate_percent = rho > 1 ? 100 * (1 - 1 / rho) : 0;
        row.over_slo = rho > 1 || row.response_time_seconds > slo_seconds;
        replay.record(metric_info(Metric::kCpu).trace_name, start, row.cpu_percent);
        replay.record(metric_info(Metric::kRequests).trace_name, start, per_minute);
        if (serving > 0)
            replay.record(metric_info(Metric::kRequestsPerInstance).trace_name, start,
                          per_minute / serving);
        replay.record(metric_info(Metric::kErrorRate).trace_name, start, row.error_rate_percent);
        replay.record(metric_info(Metric::kResponseTime).trace_name, start,
                      row.response_time_seconds);
        if (c.memory_percent > 0)
            replay.record(metric_info(Metric::kMemory).trace_name, start, c.memory_percent);
        desired_seconds += static_cast<double>(group.desired()) * static_cast<double>(step);
        replay.evaluate(now);
        row.desired = group.desired();
        row.in_service = group.in_service(now);
        row.alarms = replay.alarm_states();
        for (std::size_t i = 0; i < row.alarms.size(); ++i)
            if (row.alarms[i] == metrics::AlarmState::kAlarm) r.seconds_in_alarm[i] += step;
        if (row.over_slo) r.seconds_over_slo += step;
        r.requests += per_minute * static_cast<double>(step) / 60.0;
        r.peak_desired = std::max(r.peak_desired, row.desired);
        r.least_desired = std::min(r.least_desired, row.desired);
        r.rows.push_back(std::move(row));
    }
    r.instance_hours = desired_seconds / 3600.0;
    r.mean_desired = r.rows.empty() ? group.desired()
                                    : desired_seconds / static_cast<double>(r.rows.size() * step);
    return r;
}

}  // namespace mindme::scale
