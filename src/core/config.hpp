#pragma once
// Configuration: a schema of typed keys that components declare, and the values
// resolved from defaults < YAML file < MINDME_SECTION__KEY environment < --set flags.
// Unknown keys and bad values are refused with a ConfigError naming key and source.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace mindme::core {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using StringList = std::vector<std::string>;
using ConfigValue = std::variant<std::int64_t, double, bool, std::string, StringList>;

enum class ConfigType { kInt, kDouble, kBool, kString, kStringList };

// Returns an error message for a value that parses but is not acceptable.
using ConfigCheck = std::function<std::optional<std::string>(const ConfigValue&)>;

struct ConfigKey {
    std::string name;  // "section.key" or "section.sub.key"
    ConfigType type;
    ConfigValue default_value;
    std::string doc;
    ConfigCheck check;  // may be empty
};

class ConfigSchema {
public:
    ConfigSchema& add_int(std::string name, std::int64_t def, std::int64_t min, std::int64_t max,
                          std::string doc);
    ConfigSchema& add_double(std::string name, double def, double min, double max, std::string doc);
    ConfigSchema& add_bool(std::string name, bool def, std::string doc);
    ConfigSchema& add_string(std::string name, std::string def, std::string doc,
                             ConfigCheck check = {});
    ConfigSchema& add_list(std::string name, StringList def, std::string doc,
                           ConfigCheck check = {});

    const ConfigKey* find(const std::string& name) const;
    const std::vector<ConfigKey>& keys() const { return keys_; }
    // The known key closest to `name`, for "did you mean" hints.
    std::optional<std::string> closest(const std::string& name) const;

private:
    ConfigSchema& add(ConfigKey key);
    std::vector<ConfigKey> keys_;
};

class Config {
public:
    explicit Config(const ConfigSchema& schema);

    // Parses `text` as the key's type and stores it; `source` names where it came
    // from in error messages ("--set", "MINDME_SERVER__THREADS", "mindme.yaml").
    void set_text(const std::string& name, const std::string& text, const std::string& source);
    void set_value(const std::string& name, ConfigValue value, const std::string& source);

    std::int64_t get_int(const std::string& name) const;
    double get_double(const std::string& name) const;
    bool get_bool(const std::string& name) const;
    const std::string& get_string(const std::string& name) const;
    const StringList& get_list(const std::string& name) const;
    // The value of a declared key, whatever its type (for listing the configuration).
    const ConfigValue& value(const std::string& name) const;

    const ConfigSchema& schema() const { return *schema_; }

private:
    const ConfigValue& get(const std::string& name, ConfigType type) const;
    const ConfigSchema* schema_;
    std::map<std::string, ConfigValue, std::less<>> values_;
};

struct ConfigSources {
    std::optional<std::string> file;                       // YAML file path
    std::vector<std::pair<std::string, std::string>> env;  // NAME=VALUE pairs
    std::vector<std::string> sets;                         // "section.key=value"
};

Config load_config(const ConfigSchema& schema, const ConfigSources& sources);

// The process environment as NAME=VALUE pairs.
std::vector<std::pair<std::string, std::string>> process_environment();

// Text form of a value as it would be written in YAML or --set.
std::string to_text(const ConfigValue& value);
std::string type_name(ConfigType type);

}  // namespace mindme::core
