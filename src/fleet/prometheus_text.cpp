#include "fleet/prometheus_text.hpp"

#include <charconv>
#include <cstdlib>

namespace mindme::fleet {

namespace {

// `a="x",b="y"` (values with \" and \\ escapes) into labels; false when malformed.
bool parse_labels(std::string_view text, Labels& out) {
    while (!text.empty()) {
        auto eq = text.find('=');
        if (eq == std::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"')
            return false;
        std::string key(text.substr(0, eq));
        std::string value;
        std::size_t i = eq + 2;
        for (; i < text.size() && text[i] != '"'; ++i) {
            if (text[i] == '\\' && i + 1 < text.size()) ++i;
            value += text[i];
        }
        if (i >= text.size()) return false;
        out[key] = value;
        text.remove_prefix(i + 1);
        if (!text.empty() && text.front() == ',') text.remove_prefix(1);
    }
    return true;
}

}  // namespace

double sum_samples(std::string_view text, std::string_view name,
                   const std::function<bool(const Labels&)>& keep) {
    double total = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (line.empty() || line.front() == '#' || !line.starts_with(name)) continue;
        auto rest = line.substr(name.size());
        Labels labels;
        if (!rest.empty() && rest.front() == '{') {
            auto close = rest.rfind('}');
            if (close == std::string_view::npos) continue;
            if (!parse_labels(rest.substr(1, close - 1), labels)) continue;
            rest.remove_prefix(close + 1);
        }
        if (rest.empty() || rest.front() != ' ') continue;  // another metric with this prefix
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        auto space = rest.find(' ');  // a timestamp may follow
        std::string number(rest.substr(0, space));
        char* parsed_end = nullptr;
        double v = std::strtod(number.c_str(), &parsed_end);
        if (parsed_end != number.c_str() + number.size() || number.empty()) continue;
        if (keep && !keep(labels)) continue;
        total += v;
    }
    return total;
}

}  // namespace mindme::fleet
