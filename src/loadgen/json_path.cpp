#include "loadgen/json_path.hpp"

#include <boost/json.hpp>
#include <charconv>

namespace mindme::loadgen {

namespace {

// Walks `path` over `document` (nullptr: only checks the syntax); false on bad syntax.
bool walk(const boost::json::value* document, std::string_view path,
          const boost::json::value** found) {
    if (path.empty() || path.front() != '$') return false;
    path.remove_prefix(1);
    const boost::json::value* at = document;
    while (!path.empty()) {
        if (path.front() == '.') {
            path.remove_prefix(1);
            auto end = path.find_first_of(".[");
            auto key = path.substr(0, end);
            if (key.empty()) return false;
            path.remove_prefix(key.size());
            if (at) {
                const auto* object = at->if_object();
                const auto* member = object ? object->if_contains(key) : nullptr;
                at = member;
            }
        } else if (path.front() == '[') {
            auto close = path.find(']');
            if (close == std::string_view::npos) return false;
            std::size_t index = 0;
            auto digits = path.substr(1, close - 1);
            auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
            if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
                return false;
            path.remove_prefix(close + 1);
            if (at) {
                const auto* array = at->if_array();
                at = array && index < array->size() ? &(*array)[index] : nullptr;
            }
        } else {
            return false;
        }
    }
    if (found) *found = at;
    return true;
}

}  // namespace

bool valid_json_path(std::string_view path) { return walk(nullptr, path, nullptr); }

std::optional<std::string> json_path_value(const boost::json::value& document,
                                           std::string_view path) {
    const boost::json::value* found = nullptr;
    if (!walk(&document, path, &found) || !found || found->is_null()) return std::nullopt;
    if (const auto* s = found->if_string()) return std::string(s->data(), s->size());
    return boost::json::serialize(*found);
}

}  // namespace mindme::loadgen
