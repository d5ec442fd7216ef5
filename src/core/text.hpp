#pragma once
// Small text helpers shared by the parsers of headers, lists and configuration.
#include <string_view>
#include <vector>

namespace mindme::core {

// `s` without leading and trailing characters from `chars` (by default the optional
// whitespace HTTP allows around values: spaces and tabs).
std::string_view trim(std::string_view s, std::string_view chars = " \t");

// The items of a `sep`-separated list, each trimmed; empty items are kept so that
// callers can refuse them.
std::vector<std::string_view> split_list(std::string_view s, char sep = ',');

}  // namespace mindme::core
