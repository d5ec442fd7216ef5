#pragma once
// The small JSON path of scenario captures: "$", ".name" and "[index]" steps
// ("$.items[0].id"). Strings come out as their text, numbers and booleans as JSON;
// a missing member, an index out of range or null give nullopt.
#include <optional>
#include <string>
#include <string_view>

namespace boost::json {
class value;
}

namespace mindme::loadgen {

// Whether `path` is well formed (checked when the scenario loads).
bool valid_json_path(std::string_view path);

std::optional<std::string> json_path_value(const boost::json::value& document,
                                           std::string_view path);

}  // namespace mindme::loadgen
