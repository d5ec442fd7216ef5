#include "core/text.hpp"

namespace mindme::core {

std::string_view trim(std::string_view s, std::string_view chars) {
    auto first = s.find_first_not_of(chars);
    if (first == std::string_view::npos) return {};
    auto last = s.find_last_not_of(chars);
    return s.substr(first, last - first + 1);
}

std::vector<std::string_view> split_list(std::string_view s, char sep) {
    std::vector<std::string_view> items;
    while (true) {
        auto at = s.find(sep);
        items.push_back(trim(s.substr(0, at)));
        if (at == std::string_view::npos) return items;
        s.remove_prefix(at + 1);
    }
}

std::size_t code_points(std::string_view utf8) {
    std::size_t n = 0;
    for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace mindme::core
