#pragma once
// Wall-clock time as the API shows it: milliseconds since the Unix epoch, written as
// RFC 3339 UTC with milliseconds ("2026-11-22T10:00:00.000Z").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mindme::core {

std::int64_t now_ms();
std::string format_rfc3339_ms(std::int64_t ms);
// "2026-11-22T10:00:00Z", with any fraction of a second and a Z or ±hh:mm offset (as
// Google's JSON timestamps come); nullopt for anything else.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace mindme::core
