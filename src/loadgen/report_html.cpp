#include "loadgen/report_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/html_report.hpp"

namespace mindme::loadgen {

namespace {

std::string row(const std::string& name, const StepStats& s, double rps) {
    auto ms = [](std::uint64_t us) { return core::fixed(static_cast<double>(us) / 1000.0, 2); };
    return "<tr><td>" + core::html_escaped(name) + "</td><td>" + std::to_string(s.count) +
           "</td><td>" + std::to_string(s.errors) + "</td><td>" + core::fixed(rps) + "</td><td>" +
           ms(s.latency.value_at(0.5)) + "</td><td>" + ms(s.latency.value_at(0.9)) + "</td><td>" +
           ms(s.latency.value_at(0.99)) + "</td><td>" + ms(s.latency.value_at(0.999)) +
           "</td><td>" + ms(s.latency.max()) + "</td></tr>\n";
}

}  // namespace

std::string html_report(const RunResult& r, const std::string& title,
                        const std::vector<std::pair<Threshold, Verdict>>& verdicts) {
    std::string html = core::html_page_start(title);
    auto all = r.overall();
    html += "<p>" + std::to_string(all.count) + " requests in " + core::fixed(r.seconds) + " s (" +
            core::fixed(r.rps(all)) + "/s), " + std::to_string(all.errors) + " errors; peak " +
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
            html += "<tr><td>" + core::html_escaped(kind) + "</td><td>" + std::to_string(n) +
                    "</td></tr>\n";
        html += "</table>\n";
    }
    if (!verdicts.empty()) {
        html += "<h2>Thresholds</h2><table><tr><th>threshold</th><th>measured</th><th></th></tr>\n";
        for (const auto& [t, v] : verdicts)
            html += "<tr><td>" + core::html_escaped(t.text) + "</td><td>" +
                    core::fixed(v.actual, 3) + "</td><td class=\"" +
                    (v.passed ? "ok\">ok" : "breach\">BREACHED") + "</td></tr>\n";
        html += "</table>\n";
    }
    core::ChartSeries p50{"p50", "#1f77b4", {}}, p90{"p90", "#2ca02c", {}},
        p99{"p99", "#d62728", {}};
    core::ChartSeries requests{"requests", "#1f77b4", {}}, errors{"errors", "#d62728", {}};
    core::ChartSeries users{"users", "#9467bd", {}}, connections{"connections", "#8c564b", {}};
    core::ChartSeries events{"events", "#ff7f0e", {}};
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
    html += core::line_chart("Latency percentiles per second", "ms", {p50, p90, p99});
    html += core::line_chart("Throughput and errors", "per second", {requests, errors});
    html += core::line_chart("Users and open connections", "count", {users, connections});
    if (events_total > 0 || r.events.opened > 0) {
        html += "<p>Events sockets: " + std::to_string(r.events.opened) + " opened, " +
                std::to_string(r.events.failed) + " failed, " + std::to_string(r.events.received) +
                " events received.</p>\n";
        html += core::line_chart("Events received", "per second", {events});
    }
    return html + "</body></html>\n";
}

}  // namespace mindme::loadgen
