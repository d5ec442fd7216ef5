#pragma once
// Wall-clock time as the API shows it: milliseconds since the Unix epoch, written as
// RFC 3339 UTC with milliseconds ("2026-11-22T10:00:00.000Z").
#include <cstdint>
#include <string>

namespace mindme::core {

std::int64_t now_ms();
std::string format_rfc3339_ms(std::int64_t ms);

}  // namespace mindme::core
