#pragma once
// Reading fields of JSON that other services send, which number their values as they like
// (an integer may arrive signed, unsigned or as a double).
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mindme::core {

// The field as a whole number, or nullopt when absent or not a number.
std::optional<std::int64_t> json_int(const boost::json::object& o, std::string_view key);

}  // namespace mindme::core
