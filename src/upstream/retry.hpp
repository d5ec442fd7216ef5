#pragma once
// The waits between attempts of an outbound call: exponential backoff with full jitter
// (a uniformly random wait up to the exponential bound, so callers that failed together
// do not retry together), and the server's own Retry-After, which wins when longer.
#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

namespace mindme::upstream {

// A wait before attempt `attempt + 1` (attempt ≥ 1): unit_random · min(cap, base·2^(attempt−1)).
std::chrono::milliseconds full_jitter(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                      int attempt, double unit_random);

// Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), relative to `now`;
// a date in the past is no wait; nullopt for anything else.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, std::time_t now);

}  // namespace mindme::upstream
