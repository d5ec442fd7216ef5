#pragma once
// Enumerations with AWS's names for their values, looked up both ways.
#include <optional>
#include <string_view>
#include <utility>

namespace mindme::core {

template <class E, std::size_t N>
const char* name_in(const std::pair<E, const char*> (&table)[N], E value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "?";
}

template <class E, std::size_t N>
std::optional<E> value_in(const std::pair<E, const char*> (&table)[N], std::string_view name) {
    for (const auto& [v, n] : table)
        if (name == n) return v;
    return std::nullopt;
}

}  // namespace mindme::core
