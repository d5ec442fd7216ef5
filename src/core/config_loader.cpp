// Resolves a Config from its sources, in increasing precedence:
// defaults < YAML file < MINDME_SECTION__KEY environment < --set section.key=value.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>

#include "core/config.hpp"

extern char** environ;

namespace mindme::core {
namespace {

constexpr std::string_view kEnvPrefix = "MINDME_";
constexpr std::string_view kEnvLevel = "__";

// Every YAML scalar or sequence becomes one dotted key.
void flatten(const YAML::Node& node, const std::string& prefix, Config& config,
             const std::string& source) {
    if (node.IsMap()) {
        for (const auto& entry : node) {
            auto name = entry.first.as<std::string>();
            flatten(entry.second, prefix.empty() ? name : prefix + "." + name, config, source);
        }
        return;
    }
    if (prefix.empty()) throw ConfigError(source + ": the top level must be a mapping");
    const ConfigKey* key = config.schema().find(prefix);
    if (!key) return config.set_text(prefix, "", source);  // reports the unknown key
    if (node.IsSequence()) {
        if (key->type != ConfigType::kStringList)
            throw ConfigError(source + ": " + prefix + " takes a " + type_name(key->type) +
                              ", not a list");
        StringList items;
        for (const auto& item : node) {
            if (item.IsMap()) {  // a record, such as a product: kept as a JSON object
                boost::json::object record;
                for (const auto& field : item) {
                    if (!field.second.IsScalar())
                        throw ConfigError(source + ": " + prefix +
                                          " items may only hold plain values");
                    record[field.first.as<std::string>()] = field.second.as<std::string>();
                }
                items.push_back(boost::json::serialize(record));
                continue;
            }
            if (!item.IsScalar())
                throw ConfigError(source + ": " + prefix + " must be a list of strings");
            items.push_back(item.as<std::string>());
        }
        return config.set_value(prefix, std::move(items), source);
    }
    if (node.IsNull()) {
        if (key->type == ConfigType::kStringList || key->type == ConfigType::kString)
            return config.set_text(prefix, "", source);
        throw ConfigError(source + ": " + prefix + " has no value");
    }
    config.set_text(prefix, node.as<std::string>(), source);
}

void apply_file(const std::string& path, Config& config) {
    std::ifstream in(path);
    if (!in) throw ConfigError("cannot read configuration file " + path);
    YAML::Node root;
    try {
        root = YAML::Load(in);
    } catch (const YAML::Exception& e) {
        throw ConfigError(path + ": " + e.what());
    }
    if (root.IsNull()) return;  // an empty file sets nothing
    flatten(root, "", config, path);
}

void apply_env(const std::vector<std::pair<std::string, std::string>>& env, Config& config) {
    for (const auto& [name, value] : env) {
        // Only MINDME_<SECTION>__<KEY> names are configuration; others such as
        // MINDME_URL (written by `make stack`) belong to scripts.
        if (!name.starts_with(kEnvPrefix) || name.find(kEnvLevel) == std::string::npos) continue;
        std::string key;
        std::string_view rest = std::string_view(name).substr(kEnvPrefix.size());
        while (!rest.empty()) {
            auto sep = rest.find(kEnvLevel);
            auto part = rest.substr(0, sep);
            if (!key.empty()) key += '.';
            for (char c : part)
                key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (sep == std::string_view::npos) break;
            rest.remove_prefix(sep + kEnvLevel.size());
        }
        config.set_text(key, value, "environment variable " + name);
    }
}

void apply_sets(const std::vector<std::string>& sets, Config& config) {
    for (const auto& item : sets) {
        auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw ConfigError("--set expects section.key=value, got '" + item + "'");
        config.set_text(item.substr(0, eq), item.substr(eq + 1), "--set " + item);
    }
}

}  // namespace

Config load_config(const ConfigSchema& schema, const ConfigSources& sources) {
    Config config(schema);
    if (sources.file) apply_file(*sources.file, config);
    apply_env(sources.env, config);
    apply_sets(sources.sets, config);
    return config;
}

std::vector<std::pair<std::string, std::string>> process_environment() {
    std::vector<std::pair<std::string, std::string>> out;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        out.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace mindme::core
