#include "core/unicode.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace mindme::core {
namespace {

// Calls f(code point) for each code point of valid UTF-8; stops when f returns true.
template <class F>
bool any_code_point(std::string_view s, F f) {
    auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    auto left = static_cast<utf8proc_ssize_t>(s.size());
    while (left > 0) {
        utf8proc_int32_t cp = 0;
        auto n = utf8proc_iterate(p, left, &cp);
        if (n <= 0) return false;
        if (f(cp)) return true;
        p += n;
        left -= n;
    }
    return false;
}

std::string mapped(std::string_view s, int options) {
    utf8proc_uint8_t* out = nullptr;
    auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                          static_cast<utf8proc_ssize_t>(s.size()), &out,
                          static_cast<utf8proc_option_t>(options));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
    if (n < 0) return std::string(s);  // not valid UTF-8: callers check first
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    auto left = static_cast<utf8proc_ssize_t>(s.size());
    while (left > 0) {
        utf8proc_int32_t cp = 0;
        auto n = utf8proc_iterate(p, left, &cp);
        if (n <= 0 || cp < 0) return false;
        p += n;
        left -= n;
    }
    return true;
}

std::string nfc(std::string_view valid) {
    return mapped(valid, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

std::string casefold(std::string_view valid) {
    return mapped(valid, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

bool has_control(std::string_view valid) {
    return any_code_point(
        valid, [](utf8proc_int32_t cp) { return utf8proc_category(cp) == UTF8PROC_CATEGORY_CC; });
}

bool has_bidi_control(std::string_view valid) {
    return any_code_point(valid, [](utf8proc_int32_t cp) {
        return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
               (cp >= 0x2066 && cp <= 0x2069);
    });
}

bool has_zero_width(std::string_view valid) {
    return any_code_point(valid, [](utf8proc_int32_t cp) {
        return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF || cp == 0x180E;
    });
}

}  // namespace mindme::core
