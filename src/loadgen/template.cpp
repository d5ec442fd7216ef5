#include "loadgen/template.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace mindme::loadgen {

const std::string* Variables::find(std::string_view name) const {
    for (const auto& [key, value] : values_)
        if (key == name) return &value;
    return nullptr;
}

void Variables::set(std::string_view name, std::string value) {
    for (auto& [key, old] : values_)
        if (key == name) {
            old = std::move(value);
            return;
        }
    values_.emplace_back(std::string(name), std::move(value));
}

void Variables::erase(std::string_view name) {
    std::erase_if(values_, [&](const auto& entry) { return entry.first == name; });
}

namespace {

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void append_escaped(std::string& out, std::string_view value, Escape escape) {
    if (escape == Escape::none) {
        out += value;
        return;
    }
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        char hex[8];
        if (escape == Escape::url) {
            if (name_char(c) || c == '-' || c == '.' || c == '~') {
                out += c;
            } else {
                std::snprintf(hex, sizeof hex, "%%%02X", u);
                out += hex;
            }
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            std::snprintf(hex, sizeof hex, "\\u%04x", u);
            out += hex;
        } else {
            out += c;
        }
    }
}

}  // namespace

Template Template::parse(std::string_view text, Escape escape) {
    Template t;
    t.text_ = std::string(text);
    t.escape_ = escape;
    std::size_t at = 0;
    while (at < text.size()) {
        auto open = text.find("{{", at);
        if (open == std::string_view::npos) {
            t.parts_.push_back({false, std::string(text.substr(at))});
            break;
        }
        if (open > at) t.parts_.push_back({false, std::string(text.substr(at, open - at))});
        auto close = text.find("}}", open + 2);
        if (close == std::string_view::npos)
            throw std::invalid_argument("unclosed {{ in '" + std::string(text) + "'");
        auto name = text.substr(open + 2, close - open - 2);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        if (name.empty() || !std::all_of(name.begin(), name.end(), name_char))
            throw std::invalid_argument("'{{" + std::string(name) +
                                        "}}' is not a variable name (letters, digits, _)");
        t.parts_.push_back({true, std::string(name)});
        if (std::find(t.names_.begin(), t.names_.end(), name) == t.names_.end())
            t.names_.emplace_back(name);
        at = close + 2;
    }
    return t;
}

std::optional<std::string> Template::render(const Variables& variables, std::string& out) const {
    for (const auto& part : parts_) {
        if (!part.variable) {
            out += part.text;
            continue;
        }
        const auto* value = variables.find(part.text);
        if (!value) return part.text;
        append_escaped(out, *value, escape_);
    }
    return std::nullopt;
}

}  // namespace mindme::loadgen
