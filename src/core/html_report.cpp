#include "core/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/text.hpp"

namespace mindme::core {

namespace {

// A time on an axis spanning `span` seconds: seconds, minutes or hours.
std::string time_label(double seconds, double span) {
    if (span >= 7200)
        return fixed(seconds / 3600, seconds / 3600 == std::floor(seconds / 3600) ? 0 : 1) + " h";
    if (span >= 600) return fixed(seconds / 60, 0) + " min";
    return fixed(seconds, 0) + " s";
}

}  // namespace

std::string html_escaped(const std::string& text) {
    std::string out;
    for (char c : text) append_html_escaped(out, c);
    return out;
}

std::string fixed(double v, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

std::string line_chart(const std::string& title, const std::string& unit,
                       const std::vector<ChartSeries>& series, double seconds_per_point) {
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
    std::string svg = "<svg viewBox=\"0 0 " + fixed(kW, 0) + " " + fixed(kH, 0) +
                      "\" class=\"chart\" role=\"img\" aria-label=\"" + html_escaped(title) + "\">";
    svg += "<text x=\"" + fixed(kLeft, 0) + "\" y=\"18\" class=\"title\">" + html_escaped(title) +
           " (" + html_escaped(unit) + ")</text>";
    for (int g = 0; g <= 4; ++g) {
        double v = top * g / 4;
        svg += "<line x1=\"" + fixed(kLeft, 0) + "\" x2=\"" + fixed(kW - kRight, 0) + "\" y1=\"" +
               fixed(y(v)) + "\" y2=\"" + fixed(y(v)) + "\" class=\"grid\"/>";
        svg += "<text x=\"" + fixed(kLeft - 6, 0) + "\" y=\"" + fixed(y(v) + 4) +
               "\" class=\"axis\" text-anchor=\"end\">" +
               fixed(v, top >= 40  ? 0
                        : top >= 4 ? 1
                                   : 2) +
               "</text>";
    }
    for (int g = 0; g <= 5 && n > 1; ++g) {
        auto i = static_cast<std::size_t>(static_cast<double>(n - 1) * g / 5);
        svg += "<text x=\"" + fixed(x(i)) + "\" y=\"" + fixed(kH - 8, 0) +
               "\" class=\"axis\" text-anchor=\"middle\">" +
               time_label(static_cast<double>(i) * seconds_per_point,
                          static_cast<double>(n - 1) * seconds_per_point) +
               "</text>";
    }
    double legend_x = kLeft + 260;
    for (const auto& s : series) {
        std::string points;
        for (std::size_t i = 0; i < s.values.size(); ++i)
            points += fixed(x(i)) + "," + fixed(y(s.values[i])) + " ";
        svg += "<polyline fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"1.6\" points=\"" +
               points + "\"/>";
        svg += "<rect x=\"" + fixed(legend_x) + "\" y=\"10\" width=\"10\" height=\"10\" fill=\"" +
               s.color + "\"/><text x=\"" + fixed(legend_x + 14) + "\" y=\"19\" class=\"axis\">" +
               html_escaped(s.name) + "</text>";
        legend_x += 20 + 8 * static_cast<double>(s.name.size());
    }
    return svg + "</svg>\n";
}

std::string html_page_start(const std::string& title) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
           html_escaped(title) +
           "</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}"
           "table{border-collapse:collapse;margin:1em 0}td,th{padding:4px 10px;border-bottom:1px "
           "solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}"
           ".chart{width:100%;max-width:800px;display:block;margin:1em 0}.title{font-weight:600;"
           "font-size:13px}.axis{font-size:11px;fill:#555}.grid{stroke:#e5e5e5}.ok{color:#176f2c}"
           ".breach{color:#b00020;font-weight:600}</style></head><body>\n<h1>" +
           html_escaped(title) + "</h1>\n";
}

}  // namespace mindme::core
