#include "http/conditional.hpp"

#include "core/text.hpp"

namespace mindme::http {

bool none_match(std::string_view header, std::string_view etag) {
    for (auto item : core::split_list(header)) {
        if (item.starts_with("W/")) item.remove_prefix(2);
        if (item == "*" || item == etag) return true;
    }
    return false;
}

std::vector<std::string_view> strong_tags(std::string_view header) {
    std::vector<std::string_view> tags;
    for (auto item : core::split_list(header))
        if (item.size() >= 2 && item.front() == '"' && item.back() == '"') tags.push_back(item);
    return tags;
}

}  // namespace mindme::http
