#include "scale/plan_report.hpp"

#include <cmath>
#include <cstdio>

#include "core/html_report.hpp"

namespace mindme::scale {

namespace {

using core::fixed;

// 12345.6 → "12,346": whole dollars and counts with thousands separators.
std::string grouped(double v) {
    auto digits = fixed(std::round(std::abs(v)), 0);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (v < 0 ? "-" : "") + out;
}

std::string duration(std::int64_t seconds) {
    auto h = seconds / 3600, m = seconds % 3600 / 60;
    return std::to_string(h) + " h " + std::to_string(m) + " min";
}

// Label and value of each figure, one list per fleet, for the text and HTML tables.
struct Figure {
    std::string label;
    std::string value;
};

std::vector<Figure> figures(const FleetPlan& p) {
    const auto& r = p.plan;
    const auto& c = p.cost;
    return {
        {"instance type", p.fleet.policy.instance_type},
        {"capacity per instance (requests/s)", fixed(p.fleet.capacity.requests_per_second, 1)},
        {"instances: least", std::to_string(r.least_desired)},
        {"instances: mean", fixed(r.mean_desired, 1)},
        {"instances: peak", std::to_string(r.peak_desired)},
        {"instance-hours (trace)", grouped(r.instance_hours)},
        {"time over SLO", duration(r.seconds_over_slo)},
        {"EC2 on demand ($/month)", grouped(c.ec2_on_demand)},
        {"EC2 spot ($/month)", grouped(c.ec2_spot)},
        {"EC2 floor reserved ($/month)", grouped(c.ec2_reserved)},
        {"RDS ($/month)", grouped(c.database)},
        {"ElastiCache ($/month)", grouped(c.cache)},
        {"load balancer ($/month)", grouped(c.load_balancer)},
        {"data transfer out ($/month)", grouped(c.data_transfer)},
        {"CloudWatch ($/month)", grouped(c.monitoring)},
        {"total on demand ($/month)", grouped(c.total_on_demand())},
        {"total, floor reserved ($/month)", grouped(c.total_reserved())},
    };
}

std::string alarm_summary(const PlanResult& r) {
    std::string out;
    for (std::size_t i = 0; i < r.alarm_names.size(); ++i) {
        if (r.seconds_in_alarm[i] == 0) continue;
        out += (out.empty() ? "" : ", ") + r.alarm_names[i] + " " +
               std::to_string(r.seconds_in_alarm[i] / 60) + " min";
    }
    return out.empty() ? "none" : out;
}

std::string header(const std::vector<FleetPlan>& plans, const PriceTable& prices) {
    const auto& r = plans.front().plan;
    return "trace: " + duration(r.duration_seconds) + ", " + grouped(r.requests) +
           " requests, evaluated every " + std::to_string(r.step_seconds) +
           " s; prices: " + prices.region + " as of " + prices.as_of + " (" + prices.source +
           "), USD, " + fixed(prices.hours_per_month, 0) + " hours a month";
}

std::string pad(const std::string& s, std::size_t width, bool right) {
    // Widths count bytes; the labels and values here are ASCII.
    if (s.size() >= width) return s;
    return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

}  // namespace

std::string plan_text(const std::vector<FleetPlan>& plans, const PriceTable& prices) {
    std::string out = "mindme plan — " + header(plans, prices) + "\n";
    for (const auto& p : plans) {
        out += "\n" + p.fleet.name + "\n";
        out += "  capacity: " + p.fleet.capacity.source + "\n";
        for (const auto& f : figures(p)) out += "  " + pad(f.label, 36, false) + f.value + "\n";
        out += "  alarms in ALARM: " + alarm_summary(p.plan) + "\n";
    }
    if (plans.size() > 1) {
        out += "\nside by side\n" + pad("", 36, false);
        std::vector<std::vector<Figure>> all;
        std::size_t width = 12;
        for (const auto& p : plans) {
            all.push_back(figures(p));
            width = std::max(width, p.fleet.name.size() + 2);
        }
        for (const auto& p : plans) out += pad(p.fleet.name, width, true);
        out += "\n";
        for (std::size_t i = 0; i < all.front().size(); ++i) {
            out += pad(all.front()[i].label, 36, false);
            for (const auto& f : all) out += pad(f[i].value, width, true);
            out += "\n";
        }
        const auto& first = plans.front().cost.total_on_demand();
        for (std::size_t i = 1; i < plans.size(); ++i) {
            double other = plans[i].cost.total_on_demand();
            if (other > 0)
                out += plans.front().fleet.name + " costs " + fixed(first / other, 1) + "× " +
                       plans[i].fleet.name + " on demand (EC2 alone: " +
                       fixed(plans.front().cost.ec2_on_demand /
                                 std::max(plans[i].cost.ec2_on_demand, 0.01),
                             1) +
                       "×)\n";
        }
    }
    return out;
}

std::string plan_csv(const std::vector<FleetPlan>& plans) {
    std::string out =
        "fleet,t_seconds,requests_per_minute,desired,in_service,cpu_percent,"
        "response_time_seconds,error_rate_percent,over_slo,alarms\n";
    for (const auto& p : plans)
        for (const auto& row : p.plan.rows) {
            std::string alarms;
            for (std::size_t i = 0; i < row.alarms.size(); ++i)
                if (row.alarms[i] == metrics::AlarmState::kAlarm)
                    alarms += (alarms.empty() ? "" : ";") + p.plan.alarm_names[i];
            auto name = p.fleet.name;
            for (char& c : name)
                if (c == ',' || c == '"') c = ' ';
            out += name + "," + std::to_string(row.t) + "," + fixed(row.requests_per_minute, 1) +
                   "," + std::to_string(row.desired) + "," + std::to_string(row.in_service) + "," +
                   fixed(row.cpu_percent, 1) + "," + fixed(row.response_time_seconds, 3) + "," +
                   fixed(row.error_rate_percent, 2) + "," + (row.over_slo ? "1" : "0") + "," +
                   alarms + "\n";
        }
    return out;
}

std::string plan_html(const std::vector<FleetPlan>& plans, const PriceTable& prices) {
    using core::html_escaped;
    std::string html = core::html_page_start("mindme plan");
    html += "<p>" + html_escaped(header(plans, prices)) + "</p>\n<table><tr><th></th>";
    for (const auto& p : plans) html += "<th>" + html_escaped(p.fleet.name) + "</th>";
    html += "</tr>\n";
    std::vector<std::vector<Figure>> all;
    for (const auto& p : plans) all.push_back(figures(p));
    for (std::size_t i = 0; i < all.front().size(); ++i) {
        html += "<tr><td>" + html_escaped(all.front()[i].label) + "</td>";
        for (const auto& f : all) html += "<td>" + html_escaped(f[i].value) + "</td>";
        html += "</tr>\n";
    }
    html += "<tr><td>alarms in ALARM</td>";
    for (const auto& p : plans) html += "<td>" + html_escaped(alarm_summary(p.plan)) + "</td>";
    html += "</tr></table>\n";
    const char* colors[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd"};
    std::vector<core::ChartSeries> desired, cpu;
    core::ChartSeries load{"requests per minute", "#555", {}};
    for (std::size_t i = 0; i < plans.size(); ++i) {
        core::ChartSeries d{plans[i].fleet.name, colors[i % 4], {}};
        core::ChartSeries c{plans[i].fleet.name, colors[i % 4], {}};
        for (const auto& row : plans[i].plan.rows) {
            d.values.push_back(row.desired);
            c.values.push_back(row.cpu_percent);
            if (i == 0) load.values.push_back(row.requests_per_minute);
        }
        desired.push_back(std::move(d));
        cpu.push_back(std::move(c));
    }
    auto step = static_cast<double>(plans.front().plan.step_seconds);
    html += core::line_chart("Offered load", "requests per minute", {load}, step);
    html += core::line_chart("Desired instances", "count", desired, step);
    html += core::line_chart("Average CPU", "%", cpu, step);
    for (const auto& p : plans)
        html += "<p>" + html_escaped(p.fleet.name) +
                " capacity: " + html_escaped(p.fleet.capacity.source) + "</p>\n";
    return html + "</body></html>\n";
}

}  // namespace mindme::scale
