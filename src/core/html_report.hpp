#pragma once
// Pieces of the self-contained HTML reports (load tests, capacity plans): escaping, fixed
// decimals, the page's head and style, and line charts drawn as inline SVG, so a report
// opens anywhere with nothing else to fetch.
#include <string>
#include <vector>

namespace mindme::core {

std::string html_escaped(const std::string& text);
// `v` with `decimals` digits after the point.
std::string fixed(double v, int decimals = 1);

// The document up to and including <h1>title</h1>.
std::string html_page_start(const std::string& title);

struct ChartSeries {
    std::string name;
    std::string color;
    std::vector<double> values;  // one per point, points evenly spaced in time
};

// A line chart: x is time from the start (`seconds_per_point` apart, labelled in
// seconds, minutes or hours by the span), y from 0 to a rounded maximum.
std::string line_chart(const std::string& title, const std::string& unit,
                       const std::vector<ChartSeries>& series, double seconds_per_point = 1);

}  // namespace mindme::core
