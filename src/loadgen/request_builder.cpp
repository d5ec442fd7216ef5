#include "loadgen/request_builder.hpp"

#include <algorithm>

namespace mindme::loadgen {
namespace {

bool mentions_variables(const Scenario& sc, const Step& s) {
    auto varies = [](const Template& t) { return !t.constant(); };
    return varies(s.path) || varies(s.body) ||
           std::any_of(s.headers.begin(), s.headers.end(),
                       [&](const auto& h) { return varies(h.second); }) ||
           std::any_of(sc.headers.begin(), sc.headers.end(),
                       [&](const auto& h) { return varies(h.second); });
}

}  // namespace

std::optional<std::string> build_request(const Scenario& sc, const Step& s,
                                         const std::string& authority, const Variables& vars,
                                         std::string& out) {
    out.clear();
    out += s.method;
    out += ' ';
    if (auto missing = s.path.render(vars, out)) return missing;
    out += " HTTP/1.1\r\nHost: ";
    out += authority;
    out += "\r\nUser-Agent: mindme-loadtest\r\n";
    auto header = [&](const std::string& name,
                      const Template& value) -> std::optional<std::string> {
        out += name;
        out += ": ";
        if (auto missing = value.render(vars, out)) return missing;
        out += "\r\n";
        return std::nullopt;
    };
    for (const auto& [name, value] : sc.headers) {
        bool overridden = std::any_of(s.headers.begin(), s.headers.end(),
                                      [&](const auto& h) { return h.first == name; });
        if (!overridden)
            if (auto missing = header(name, value)) return missing;
    }
    for (const auto& [name, value] : s.headers)
        if (auto missing = header(name, value)) return missing;
    std::string rendered;
    if (s.body_bytes.empty())
        if (auto missing = s.body.render(vars, rendered)) return missing;
    const std::string& body = s.body_bytes.empty() ? rendered : s.body_bytes;
    bool has_body = !body.empty() || s.method == "POST" || s.method == "PUT";
    if (!s.content_type.empty() && has_body) out += "Content-Type: " + s.content_type + "\r\n";
    if (has_body) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "\r\n";
    out += body;
    return std::nullopt;
}

void prebuild(const Scenario& sc, const std::vector<Step>& steps, const std::string& authority,
              Prebuilt& out) {
    for (const auto& s : steps) {
        if (s.kind == Step::Kind::branch)
            for (const auto& b : s.branches) prebuild(sc, b.steps, authority, out);
        if (s.kind != Step::Kind::request || mentions_variables(sc, s)) continue;
        std::string text;
        build_request(sc, s, authority, Variables{}, text);
        out.emplace(&s, std::move(text));
    }
}

std::size_t first_request_id(const std::vector<Step>& steps) {
    for (const auto& s : steps) {
        if (s.kind == Step::Kind::request) return s.id;
        if (s.kind == Step::Kind::branch && !s.branches.empty())
            return first_request_id(s.branches.front().steps);
    }
    return 0;
}

}  // namespace mindme::loadgen
