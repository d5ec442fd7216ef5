#pragma once
// The self-contained HTML report of a load test: the summary table per step, the
// thresholds, and charts over time (latency percentiles, throughput and errors,
// users and connections, events) drawn as inline SVG, so the file opens anywhere
// with nothing else to fetch.
#include <string>
#include <utility>
#include <vector>

#include "loadgen/stats.hpp"
#include "loadgen/thresholds.hpp"

namespace mindme::loadgen {

std::string html_report(const RunResult& result, const std::string& title,
                        const std::vector<std::pair<Threshold, Verdict>>& verdicts);

}  // namespace mindme::loadgen
