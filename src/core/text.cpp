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

}  // namespace mindme::core
