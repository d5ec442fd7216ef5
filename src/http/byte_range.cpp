#include "http/byte_range.hpp"

#include <charconv>
#include <cstdint>

#include "core/text.hpp"

namespace mindme::http {
namespace {

using core::trim;

// Digits only. A number too large for 64 bits is still a valid position (RFC 9110
// puts no bound on it): it reads as the largest, past the end of any file.
std::optional<std::uint64_t> number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (p != s.data() + s.size()) return std::nullopt;
    if (ec == std::errc::result_out_of_range) return UINT64_MAX;
    if (ec != std::errc()) return std::nullopt;
    return n;
}

}  // namespace

RangeResult parse_byte_range(std::string_view header, std::uint64_t size) {
    header = trim(header);
    if (!header.starts_with("bytes=")) return {};
    auto spec = trim(header.substr(6));
    if (spec.find(',') != std::string_view::npos) return {};
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) return {};
    auto first_text = trim(spec.substr(0, dash));
    auto last_text = trim(spec.substr(dash + 1));
    if (first_text.empty()) {
        // suffix range: the last N bytes
        auto n = number(last_text);
        if (!n) return {};
        if (*n == 0 || size == 0) return {RangeOutcome::kUnsatisfiable, {}};
        auto len = *n < size ? *n : size;
        return {RangeOutcome::kSatisfiable, {size - len, len}};
    }
    auto first = number(first_text);
    if (!first) return {};
    std::uint64_t last = size == 0 ? 0 : size - 1;
    if (!last_text.empty()) {
        auto l = number(last_text);
        if (!l || *l < *first) return {};
        if (*l < last) last = *l;
    }
    if (*first >= size) return {RangeOutcome::kUnsatisfiable, {}};
    return {RangeOutcome::kSatisfiable, {*first, last - *first + 1}};
}

}  // namespace mindme::http
