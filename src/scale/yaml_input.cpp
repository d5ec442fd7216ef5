#include "scale/yaml_input.hpp"

#include <stdexcept>

#include "scale/condition.hpp"

namespace mindme::scale {

void refuse(const std::string& where, const std::string& why) {
    throw std::invalid_argument(where + ": " + why);
}

YAML::Node load_mapping(const std::string& text, const std::string& origin,
                        const std::string& expected) {
    YAML::Node doc;
    try {
        doc = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        refuse(origin, std::string("not JSON or YAML: ") + e.what());
    }
    if (!doc.IsMap()) refuse(origin, "expected " + expected);
    return doc;
}

void for_each_setting(
    const YAML::Node& mapping, const std::string& where, const char* separator,
    const std::function<void(const std::string&, const std::string&, const YAML::Node&)>& each) {
    for (const auto& item : mapping) {
        auto key = item.first.as<std::string>();
        each(squeezed(key), where + separator + key, item.second);
    }
}

}  // namespace mindme::scale
