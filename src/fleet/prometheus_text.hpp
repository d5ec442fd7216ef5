#pragma once
// Reading the Prometheus text exposition (what /metrics serves) for the few figures the
// fleet scales on: the sum of a metric's samples, optionally only those whose labels
// pass a filter.
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace mindme::fleet {

using Labels = std::map<std::string, std::string>;

// The sum over the samples named exactly `name` (a histogram's `_sum` is its own name);
// 0 when there is none. Comment lines and malformed lines are skipped.
double sum_samples(std::string_view text, std::string_view name,
                   const std::function<bool(const Labels&)>& keep = {});

}  // namespace mindme::fleet
