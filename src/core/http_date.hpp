#pragma once
// IMF-fixdate (RFC 9110 §5.6.7), the only date format HTTP/1.1 senders may use.
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace mindme::core {

std::string format_http_date(std::time_t t);
// Accepts IMF-fixdate; returns nullopt for anything else.
std::optional<std::time_t> parse_http_date(std::string_view text);

}  // namespace mindme::core
