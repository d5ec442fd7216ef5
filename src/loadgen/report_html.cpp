#include "loadgen/report_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/text.hpp"

namespace mindme::loadgen {

namespace {

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) core::append_html_escaped(out, c);
    return out;
}

std::string number(double v, int decimals = 1) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

struct Series {
    std::string name;
    std::string color;
    std::vector<double> values;  // one per second
};

// A line chart: x is seconds from the start, y from 0 to a rounded maximum.
std::string chart(const std::string& title, const std::string& unit,
                  const std::vector<Series>& series) {
    constexpr double kW = 760, kH = 220, kLeft = 64, kRight = 12, kTop = 28, kBottom = 28;
    std::size_t n = 0;
    double top = 0;
    for (const auto& s : series) {
        n = std::max(n, s.values.size());
        for (double v : s.values) top = std::max(top, v);
    }
    if (top <= 0) top = 1;
    // A round ceiling: 1, 2 or 5 times a power of ten.
    double magnitude = std::pow(10.0, std::floor(std::log10(top)));
    for (double step : {1.0, 2.0, 5.0, 10.0})
        if (step * magnitude >= top) {
            top = step * magnitude;
            break;
        }
    double plot_w = kW - kLeft - kRight, plot_h = kH - kTop - kBottom;
    auto x = [&](std::size_t i) {
        return kLeft + (n > 1 ? plot_w * static_cast<double>(i) / static_cast<double>(n - 1) : 0);
    };
    auto y = [&](double v) { return kTop + plot_h * (1 - v / top); };
    std::string svg = "<svg viewBox=\"0 0 " + number(kW, 0) + " " + number(kH, 0) +
                      "\" class=\"chart\" role=\"img\" aria-label=\"" + escape(title) + "\">";
    svg += "<text x=\"" + number(kLeft, 0) + "\" y=\"18\" class=\"title\">" + escape(title) + " (" +
           escape(unit) + ")</text>";
    for (int g = 0; g <= 4; ++g) {
        double v = top * g / 4;
        svg += "<line x1=\"" + number(kLeft, 0) + "\" x2=\"" + number(kW - kRight, 0) + "\" y1=\"" +
               number(y(v)) + "\" y2=\"" + number(y(v)) + "\" class=\"grid\"/>";
        svg += "<text x=\"" + number(kLeft - 6, 0) + "\" y=\"" + number(y(v) + 4) +
               "\" class=\"axis\" text-anchor=\"end\">" +
               number(v, top >= 40  ? 0
                         : top >= 4 ? 1
                                    : 2) +
               "</text>";
    }
    for (int g = 0; g <= 5 && n > 1; ++g) {
        auto i = static_cast<std::size_t>(static_cast<double>(n - 1) * g / 5);
        svg += "<text x=\"" + number(x(i)) + "\" y=\"" + number(kH - 8, 0) +
               "\" class=\"axis\" text-anchor=\"middle\">" + std::to_string(i) + " s</text>";
    }
    double legend_x = kLeft + 260;
    for (const auto& s : series) {
        std::string points;
        for (std::size_t i = 0; i < s.values.size(); ++i)
            points += number(x(i)) + "," + number(y(s.values[i])) + " ";
        svg += "<polyline fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.6\" points=\"" +
               points + "\"/>";
        svg += "<rect x=\"" + number(legend_x) + "\" y=\"10\" width=\"10\" height=\"10\" fill=\"" +
               s.color + "\"/><text x=\"" + number(legend_x + 14) + "\" y=\"19\" class=\"axis\">" +
               escape(s.name) + "</text>";
        legend_x += 20 + 8 * static_cast<double>(s.name.size());
    }
    return svg + "</svg>\n";
}

std::string row(const std::string& name, const StepStats& s, double rps) {
    auto ms = [](std::uint64_t us) { return number(static_cast<double>(us) / 1000.0, 2); };
    return "<tr><td>" + escape(name) + "</td><td>" + std::to_string(s.count) + "</td><td>" +
           std::to_string(s.errors) + "</td><td>" + number(rps) + "</td><td>" +
           ms(s.latency.value_at(0.5)) + "</td><td>" + ms(s.latency.value_at(0.9)) + "</td><td>" +
           ms(s.latency.value_at(0.99)) + "</td><td>" + ms(s.latency.value_at(0.999)) +
           "</td><td>" + ms(s.latency.max()) + "</td></tr>\n";
}

}  // namespace

std::string html_report(const RunResult& r, const std::string& title,
                        const std::vector<std::pair<Threshold, Verdict>>& verdicts) {
    std::string html =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) +
        "</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{padding:4px 10px;border-bottom:1px "
        "solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}"
        ".chart{width:100%;max-width:800px;display:block;margin:1em 0}.title{font-weight:600;"
        "font-size:13px}.axis{font-size:11px;fill:#555}.grid{stroke:#e5e5e5}.ok{color:#176f2c}"
        ".breach{color:#b00020;font-weight:600}</style></head><body>\n<h1>" +
        escape(title) + "</h1>\n";
    auto all = r.overall();
    html += "<p>" + std::to_string(all.count) + " requests in " + number(r.seconds) + " s (" +
            number(r.rps(all)) + "/s), " + std::to_string(all.errors) + " errors; peak " +
            std::to_string(r.peak_users()) + " users, " + std::to_string(r.peak_connections()) +
            " connections.</p>\n";
    html +=
        "<table><tr><th>step</th><th>count</th><th>errors</th><th>per s</th><th>p50 ms</th>"
        "<th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>\n";
    for (std::size_t i = 0; i < r.steps.size() && i < r.step_names.size(); ++i)
        html += row(r.step_names[i], r.steps[i], r.rps(r.steps[i]));
    html += row("all", all, r.rps(all)) + "</table>\n";
    if (!all.errors_by_kind.empty()) {
        html += "<h2>Errors</h2><table><tr><th>kind</th><th>count</th></tr>\n";
        for (const auto& [kind, n] : all.errors_by_kind)
            html += "<tr><td>" + escape(kind) + "</td><td>" + std::to_string(n) + "</td></tr>\n";
        html += "</table>\n";
    }
    if (!verdicts.empty()) {
        html += "<h2>Thresholds</h2><table><tr><th>threshold</th><th>measured</th><th></th></tr>\n";
        for (const auto& [t, v] : verdicts)
            html += "<tr><td>" + escape(t.text) + "</td><td>" + number(v.actual, 3) +
                    "</td><td class=\"" + (v.passed ? "ok\">ok" : "breach\">BREACHED") +
                    "</td></tr>\n";
        html += "</table>\n";
    }
    Series p50{"p50", "#1f77b4", {}}, p90{"p90", "#2ca02c", {}}, p99{"p99", "#d62728", {}};
    Series requests{"requests", "#1f77b4", {}}, errors{"errors", "#d62728", {}};
    Series users{"users", "#9467bd", {}}, connections{"connections", "#8c564b", {}};
    Series events{"events", "#ff7f0e", {}};
    double events_total = 0;
    for (const auto& s : r.timeline) {
        auto ms = [&](double q) { return static_cast<double>(s.latency.value_at(q)) / 1000.0; };
        p50.values.push_back(ms(0.5));
        p90.values.push_back(ms(0.9));
        p99.values.push_back(ms(0.99));
        requests.values.push_back(static_cast<double>(s.requests));
        errors.values.push_back(static_cast<double>(s.errors));
        users.values.push_back(static_cast<double>(s.users));
        connections.values.push_back(static_cast<double>(s.connections));
        events.values.push_back(static_cast<double>(s.events));
        events_total += static_cast<double>(s.events);
    }
    html += "<h2>Over time</h2>\n";
    html += chart("Latency percentiles per second", "ms", {p50, p90, p99});
    html += chart("Throughput and errors", "per second", {requests, errors});
    html += chart("Users and open connections", "count", {users, connections});
    if (events_total > 0 || r.events.opened > 0) {
        html += "<p>Events sockets: " + std::to_string(r.events.opened) + " opened, " +
                std::to_string(r.events.failed) + " failed, " + std::to_string(r.events.received) +
                " events received.</p>\n";
        html += chart("Events received", "per second", {events});
    }
    return html + "</body></html>\n";
}

}  // namespace mindme::loadgen
