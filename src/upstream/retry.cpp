#include "upstream/retry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/http_date.hpp"
#include "core/text.hpp"

namespace mindme::upstream {

std::chrono::milliseconds full_jitter(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                      int attempt, double unit_random) {
    double bound =
        static_cast<double>(base.count()) * std::ldexp(1.0, std::clamp(attempt - 1, 0, 30));
    bound = std::min(bound, static_cast<double>(cap.count()));
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(bound * std::clamp(unit_random, 0.0, 1.0)));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::time_t now) {
    value = core::trim(value);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        std::int64_t seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        // Past a day is no useful hint; an overflowing number is none at all.
        if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
        return std::chrono::milliseconds(std::min<std::int64_t>(seconds, 86'400) * 1000);
    }
    auto at = core::parse_http_date(value);
    if (!at) return std::nullopt;
    return std::chrono::milliseconds(std::max<std::int64_t>(0, *at - now) * 1000);
}

}  // namespace mindme::upstream
