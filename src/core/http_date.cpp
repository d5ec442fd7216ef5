#include "core/http_date.hpp"

#include <array>
#include <charconv>

namespace mindme::core {
namespace {

constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool read_int(std::string_view s, int& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string format_http_date(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::optional<std::time_t> parse_http_date(std::string_view s) {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT")
        return std::nullopt;
    std::tm tm{};
    int month = -1;
    for (int i = 0; i < 12; ++i)
        if (s.substr(8, 3) == kMonths[static_cast<std::size_t>(i)]) month = i;
    int year = 0;
    if (month < 0 || !read_int(s.substr(5, 2), tm.tm_mday) || !read_int(s.substr(12, 4), year) ||
        !read_int(s.substr(17, 2), tm.tm_hour) || !read_int(s.substr(20, 2), tm.tm_min) ||
        !read_int(s.substr(23, 2), tm.tm_sec))
        return std::nullopt;
    tm.tm_mon = month;
    tm.tm_year = year - 1900;
    return timegm(&tm);
}

}  // namespace mindme::core
