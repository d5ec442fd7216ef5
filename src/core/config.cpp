#include "core/config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/text.hpp"

namespace mindme::core {
namespace {

std::string trim_space(std::string_view s) { return std::string(trim(s, " \t\r\n")); }

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

ConfigCheck int_range(std::int64_t min, std::int64_t max) {
    return [min, max](const ConfigValue& v) -> std::optional<std::string> {
        auto n = std::get<std::int64_t>(v);
        if (n < min || n > max)
            return "must be between " + std::to_string(min) + " and " + std::to_string(max);
        return std::nullopt;
    };
}

ConfigCheck double_range(double min, double max) {
    return [min, max](const ConfigValue& v) -> std::optional<std::string> {
        auto n = std::get<double>(v);
        if (!(n >= min && n <= max))
            return "must be between " + to_text(ConfigValue{min}) + " and " +
                   to_text(ConfigValue{max});
        return std::nullopt;
    };
}

ConfigValue parse_as(ConfigType type, const std::string& raw) {
    std::string text = trim_space(raw);
    switch (type) {
        case ConfigType::kInt: {
            std::int64_t n = 0;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (ec != std::errc() || p != text.data() + text.size() || text.empty())
                throw ConfigError("'" + raw + "' is not an integer");
            return n;
        }
        case ConfigType::kDouble: {
            double d = 0;
            auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
            if (ec != std::errc() || p != text.data() + text.size() || text.empty() ||
                !std::isfinite(d))
                throw ConfigError("'" + raw + "' is not a number");
            return d;
        }
        case ConfigType::kBool: {
            auto t = lower(text);
            if (t == "true" || t == "yes" || t == "on" || t == "1") return true;
            if (t == "false" || t == "no" || t == "off" || t == "0") return false;
            throw ConfigError("'" + raw + "' is not a boolean (true/false)");
        }
        case ConfigType::kString:
            return text;
        case ConfigType::kStringList: {
            StringList items;
            if (text.empty()) return items;
            for (auto item : split_list(text)) {
                if (item.empty()) throw ConfigError("'" + raw + "' has an empty list item");
                items.emplace_back(item);
            }
            return items;
        }
    }
    throw ConfigError("unknown type");
}

}  // namespace

std::string type_name(ConfigType type) {
    switch (type) {
        case ConfigType::kInt:
            return "integer";
        case ConfigType::kDouble:
            return "number";
        case ConfigType::kBool:
            return "boolean";
        case ConfigType::kString:
            return "string";
        case ConfigType::kStringList:
            return "list of strings";
    }
    return "?";
}

std::string to_text(const ConfigValue& value) {
    struct Visitor {
        std::string operator()(std::int64_t n) const { return std::to_string(n); }
        std::string operator()(double d) const {
            char buf[64];
            auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
            return std::string(buf, p);
        }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(const std::string& s) const { return s; }
        std::string operator()(const StringList& l) const {
            std::string out;
            for (const auto& item : l) out += (out.empty() ? "" : ",") + item;
            return out;
        }
    };
    return std::visit(Visitor{}, value);
}

ConfigSchema& ConfigSchema::add(ConfigKey key) {
    if (find(key.name)) throw ConfigError("configuration key declared twice: " + key.name);
    keys_.push_back(std::move(key));
    return *this;
}

ConfigSchema& ConfigSchema::add_int(std::string name, std::int64_t def, std::int64_t min,
                                    std::int64_t max, std::string doc) {
    return add({std::move(name), ConfigType::kInt, def, std::move(doc), int_range(min, max)});
}
ConfigSchema& ConfigSchema::add_double(std::string name, double def, double min, double max,
                                       std::string doc) {
    return add({std::move(name), ConfigType::kDouble, def, std::move(doc), double_range(min, max)});
}
ConfigSchema& ConfigSchema::add_bool(std::string name, bool def, std::string doc) {
    return add({std::move(name), ConfigType::kBool, def, std::move(doc), {}});
}
ConfigSchema& ConfigSchema::add_string(std::string name, std::string def, std::string doc,
                                       ConfigCheck check) {
    return add(
        {std::move(name), ConfigType::kString, std::move(def), std::move(doc), std::move(check)});
}
ConfigSchema& ConfigSchema::add_list(std::string name, StringList def, std::string doc,
                                     ConfigCheck check) {
    return add({std::move(name), ConfigType::kStringList, std::move(def), std::move(doc),
                std::move(check)});
}

const ConfigKey* ConfigSchema::find(const std::string& name) const {
    for (const auto& k : keys_)
        if (k.name == name) return &k;
    return nullptr;
}

std::optional<std::string> ConfigSchema::closest(const std::string& name) const {
    std::optional<std::string> best;
    std::size_t best_distance = 4;  // further than this is not a typo
    for (const auto& k : keys_) {
        auto d = edit_distance(name, k.name);
        if (d < best_distance) {
            best_distance = d;
            best = k.name;
        }
    }
    return best;
}

Config::Config(const ConfigSchema& schema) : schema_(&schema) {
    for (const auto& k : schema.keys()) values_.emplace(k.name, k.default_value);
}

void Config::set_value(const std::string& name, ConfigValue value, const std::string& source) {
    const ConfigKey* key = schema_->find(name);
    if (!key) {
        std::string msg = "unknown configuration key '" + name + "' (from " + source + ")";
        if (auto hint = schema_->closest(name)) msg += "; did you mean '" + *hint + "'?";
        throw ConfigError(msg);
    }
    if (key->check) {
        if (auto problem = key->check(value))
            throw ConfigError("bad value '" + to_text(value) + "' for " + name + " (from " +
                              source + "): " + *problem);
    }
    values_[name] = std::move(value);
}

void Config::set_text(const std::string& name, const std::string& text, const std::string& source) {
    const ConfigKey* key = schema_->find(name);
    if (!key) return set_value(name, text, source);  // reports the unknown key
    ConfigValue value;
    try {
        value = parse_as(key->type, text);
    } catch (const ConfigError& e) {
        throw ConfigError("bad value for " + name + " (from " + source + "): " + e.what() +
                          "; expected " + type_name(key->type));
    }
    set_value(name, std::move(value), source);
}

const ConfigValue& Config::get(const std::string& name, ConfigType type) const {
    const ConfigKey* key = schema_->find(name);
    if (!key || key->type != type)
        throw std::logic_error("configuration key read with the wrong type or undeclared: " + name);
    return values_.find(name)->second;
}

const ConfigValue& Config::value(const std::string& name) const {
    const ConfigKey* key = schema_->find(name);
    if (!key) throw std::logic_error("configuration key not declared: " + name);
    return get(name, key->type);
}

std::int64_t Config::get_int(const std::string& name) const {
    return std::get<std::int64_t>(get(name, ConfigType::kInt));
}
double Config::get_double(const std::string& name) const {
    return std::get<double>(get(name, ConfigType::kDouble));
}
bool Config::get_bool(const std::string& name) const {
    return std::get<bool>(get(name, ConfigType::kBool));
}
const std::string& Config::get_string(const std::string& name) const {
    return std::get<std::string>(get(name, ConfigType::kString));
}
const StringList& Config::get_list(const std::string& name) const {
    return std::get<StringList>(get(name, ConfigType::kStringList));
}

}  // namespace mindme::core
