#pragma once
// Reading the scaling engine's YAML inputs (AWS parameters, policy files, capacity
// results, price tables) with errors that name the file and the key.
#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>

namespace mindme::scale {

// Throws std::invalid_argument("WHERE: WHY").
[[noreturn]] void refuse(const std::string& where, const std::string& why);

// `node` as a T; refused naming `where` with `wrong` when it is not one.
template <class T>
T read(const YAML::Node& node, const std::string& where, const char* wrong = "has the wrong type") {
    try {
        return node.as<T>();
    } catch (const YAML::Exception&) {
        refuse(where, wrong);
    }
}

// parent[key] as a T (named `where`.key in errors), or `fallback` when it is absent.
template <class T>
T read_or(const YAML::Node& parent, const char* key, T fallback, const std::string& where) {
    auto node = parent[key];
    return node ? read<T>(node, where + "." + key) : fallback;
}

// The document in `text`; refused when it is not YAML (JSON is YAML) or not a mapping,
// `expected` saying what it should be.
YAML::Node load_mapping(const std::string& text, const std::string& origin,
                        const std::string& expected);

// Calls `each(key, where, value)` for every entry of `mapping`: `key` squeezed (see
// squeezed() in condition.hpp), `where` the parent's `where` joined to the key as
// written by `separator` (": " under a file name, "." under a key).
void for_each_setting(const YAML::Node& mapping, const std::string& where, const char* separator,
                      const std::function<void(const std::string& key, const std::string& where,
                                               const YAML::Node& value)>& each);

}  // namespace mindme::scale
