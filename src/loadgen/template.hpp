#pragma once
// Strings of a scenario with {{name}} holes ("/v1/memories/{{memory_id}}"), compiled
// once when the scenario loads and filled in per request from a user's variables.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mindme::loadgen {

// A virtual user's values: built-ins (user, iteration, token, email, word, rand), the
// scenario's constants and what earlier steps captured. Few, so a flat vector.
class Variables {
public:
    const std::string* find(std::string_view name) const;
    void set(std::string_view name, std::string value);
    void erase(std::string_view name);

private:
    std::vector<std::pair<std::string, std::string>> values_;
};

// How a value is written into its place.
enum class Escape {
    none,        // headers
    url,         // paths and queries: everything but unreserved characters percent-encoded
    json_string  // inside a JSON string literal of a body
};

class Template {
public:
    Template() = default;
    // Throws std::invalid_argument for an unclosed "{{" or an empty or malformed name.
    static Template parse(std::string_view text, Escape escape);

    bool constant() const { return names_.empty(); }
    const std::vector<std::string>& names() const { return names_; }
    // The text itself when constant.
    const std::string& text() const { return text_; }

    // Appends the filled-in text to `out`; the name of the first variable that is not
    // set, or nullopt when all were.
    std::optional<std::string> render(const Variables& variables, std::string& out) const;

private:
    struct Part {
        bool variable = false;
        std::string text;  // literal text, or the variable's name
    };
    std::vector<Part> parts_;
    std::vector<std::string> names_;
    std::string text_;
    Escape escape_ = Escape::none;
};

}  // namespace mindme::loadgen
