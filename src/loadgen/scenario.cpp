#include "loadgen/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "loadgen/json_path.hpp"

namespace mindme::loadgen {

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
    double value = 0;
    std::size_t used = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    auto unit = text.substr(used);
    double ms = 0;
    if (unit == "ms")
        ms = value;
    else if (unit == "s" || unit.empty())
        ms = value * 1000;
    else if (unit == "m")
        ms = value * 60'000;
    else if (unit == "h")
        ms = value * 3'600'000;
    else
        return std::nullopt;
    if (!(ms > 0) || ms > 7 * 24 * 3'600'000.0) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

Micros Think::sample(std::mt19937_64& random) const {
    switch (kind) {
        case Kind::none:
            return Micros(0);
        case Kind::constant:
            return a;
        case Kind::uniform:
            return Micros(
                std::uniform_int_distribution<std::int64_t>(a.count(), b.count())(random));
        case Kind::exponential: {
            // Capped at 20 means so one draw cannot park a user for the whole test.
            double draw = std::exponential_distribution<double>(1.0)(random);
            return Micros(
                static_cast<std::int64_t>(static_cast<double>(a.count()) * std::min(draw, 20.0)));
        }
    }
    return Micros(0);
}

Micros Scenario::length() const {
    Micros total{0};
    for (const auto& s : stages) total += s.duration;
    return total;
}

double Scenario::target_at(Micros t) const {
    double from = 0;
    for (const auto& s : stages) {
        if (t < s.duration) {
            double f = static_cast<double>(t.count()) / static_cast<double>(s.duration.count());
            return from + (s.target - from) * f;
        }
        t -= s.duration;
        from = s.target;
    }
    return from;
}

double Scenario::peak() const {
    double peak = 0;
    for (const auto& s : stages) peak = std::max(peak, s.target);
    return peak;
}

std::vector<Stage> ramp_hold_down(double target, Micros ramp, Micros hold, Micros down) {
    std::vector<Stage> stages;
    if (ramp.count() > 0) stages.push_back({ramp, target});
    // Without a ramp the target holds from the first instant.
    if (ramp.count() == 0) stages.push_back({Micros(1), target});
    stages.push_back({hold, target});
    if (down.count() > 0) stages.push_back({down, 0});
    return stages;
}

bool builtin_variable(const std::string& name) {
    return name == "user" || name == "iteration" || name == "token" || name == "email" ||
           name == "word" || name == "rand";
}

namespace {

// Reads one scenario file, keeping the file name for messages.
class Reader {
public:
    Reader(std::string source, std::string directory)
        : source_(std::move(source)), directory_(std::move(directory)) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
        std::ostringstream m;
        m << source_;
        if (node.IsDefined() && node.Mark().line >= 0) m << ":" << node.Mark().line + 1;
        m << ": " << what;
        throw std::invalid_argument(m.str());
    }

    void only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                   const std::string& where) const {
        if (!map.IsMap()) fail(map, where + " must be a mapping");
        for (const auto& entry : map) {
            auto key = entry.first.as<std::string>();
            if (std::none_of(allowed.begin(), allowed.end(), [&](auto a) { return key == a; })) {
                std::string list;
                for (auto a : allowed) list += list.empty() ? a : std::string(", ") + a;
                fail(entry.first,
                     "unknown key '" + key + "' in " + where + " (known: " + list + ")");
            }
        }
    }

    std::string scalar(const YAML::Node& node, const std::string& what) const {
        if (!node.IsScalar()) fail(node, what + " must be a single value");
        return node.as<std::string>();
    }

    Micros duration(const YAML::Node& node, const std::string& what) const {
        auto d = parse_duration(scalar(node, what));
        if (!d) fail(node, what + " must be a duration like 500ms, 30s or 2m");
        return std::chrono::duration_cast<Micros>(*d);
    }

    double number(const YAML::Node& node, const std::string& what, double low, double high) const {
        double v = 0;
        try {
            v = std::stod(scalar(node, what));
        } catch (const std::exception&) {
            fail(node, what + " must be a number");
        }
        if (!(v >= low && v <= high))
            fail(node,
                 what + " must be within " + std::to_string(low) + " .. " + std::to_string(high));
        return v;
    }

    // `node` is where `value` came from (for messages).
    Template text(const YAML::Node& node, const std::string& value, const std::string& what,
                  Escape escape) {
        try {
            auto t = Template::parse(value, escape);
            for (const auto& n : t.names()) used_.emplace(n, node.Mark().line + 1);
            return t;
        } catch (const std::invalid_argument& e) {
            fail(node, what + ": " + e.what());
        }
    }
    Template text(const YAML::Node& node, const std::string& what, Escape escape) {
        return text(node, scalar(node, what), what, escape);
    }

    std::vector<std::pair<std::string, Template>> headers(const YAML::Node& node) {
        if (!node.IsMap()) fail(node, "headers maps names to values");
        std::vector<std::pair<std::string, Template>> out;
        for (const auto& e : node)
            out.emplace_back(e.first.as<std::string>(), text(e.second, "a header", Escape::none));
        return out;
    }

    Think think(const YAML::Node& node) const {
        Think t;
        if (node.IsScalar()) {
            t.kind = Think::Kind::constant;
            t.a = duration(node, "a think time");
            return t;
        }
        only_keys(node, {"constant", "uniform", "exponential"}, "a think time");
        if (node.size() != 1) fail(node, "a think time is one of constant, uniform, exponential");
        if (node["constant"]) {
            t.kind = Think::Kind::constant;
            t.a = duration(node["constant"], "constant");
        } else if (node["exponential"]) {
            t.kind = Think::Kind::exponential;
            t.a = duration(node["exponential"], "exponential (its mean)");
        } else {
            auto u = node["uniform"];
            if (!u.IsSequence() || u.size() != 2) fail(u, "uniform takes [low, high]");
            t.kind = Think::Kind::uniform;
            t.a = duration(u[0], "uniform's low");
            t.b = duration(u[1], "uniform's high");
            if (t.b < t.a) fail(u, "uniform's high is below its low");
        }
        return t;
    }

    // YAML to JSON text, keeping {{...}} in strings for the template.
    static boost::json::value to_json(const YAML::Node& node) {
        if (node.IsMap()) {
            boost::json::object o;
            for (const auto& e : node) o[e.first.as<std::string>()] = to_json(e.second);
            return o;
        }
        if (node.IsSequence()) {
            boost::json::array a;
            for (const auto& e : node) a.push_back(to_json(e));
            return a;
        }
        if (node.IsNull()) return nullptr;
        auto s = node.as<std::string>();
        if (node.Tag() == "!") return boost::json::string(s);  // quoted in the YAML
        if (s == "true") return true;
        if (s == "false") return false;
        try {
            std::size_t used = 0;
            auto i = std::stoll(s, &used);
            if (used == s.size()) return i;
            auto d = std::stod(s, &used);
            if (used == s.size()) return d;
        } catch (const std::exception&) {
        }
        return boost::json::string(s);
    }

    std::string read_file(const YAML::Node& node, const std::string& name) const {
        auto path = !name.empty() && name.front() == '/' ? name : directory_ + "/" + name;
        std::ifstream in(path, std::ios::binary);
        if (!in) fail(node, "cannot read body_file " + path);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        return bytes.str();
    }

    std::size_t step_id(const std::string& name) {
        auto it = std::find(names_.begin(), names_.end(), name);
        if (it != names_.end()) return static_cast<std::size_t>(it - names_.begin());
        names_.push_back(name);
        return names_.size() - 1;
    }

    Step request(const YAML::Node& node) {
        only_keys(node,
                  {"name", "get", "post", "put", "delete", "patch", "headers", "json", "body",
                   "body_file", "content_type", "check", "capture", "when", "unless"},
                  "a request step");
        Step s;
        s.kind = Step::Kind::request;
        s.line = node.Mark().line + 1;
        int methods = 0;
        for (const char* m : {"get", "post", "put", "delete", "patch"})
            if (node[m]) {
                ++methods;
                s.method = m;
                std::transform(s.method.begin(), s.method.end(), s.method.begin(),
                               [](char c) { return static_cast<char>(c - 'a' + 'A'); });
                s.path = text(node[m], std::string(m), Escape::url);
                if (s.path.text().empty() || s.path.text().front() != '/')
                    fail(node[m], "a path starts with /");
            }
        if (methods != 1) fail(node, "a request step has exactly one of get, post, put, delete");
        auto name = node["name"] ? scalar(node["name"], "name") : s.method + " " + s.path.text();
        s.id = step_id(name);
        if (node["headers"]) s.headers = headers(node["headers"]);
        int bodies = (node["json"] ? 1 : 0) + (node["body"] ? 1 : 0) + (node["body_file"] ? 1 : 0);
        if (bodies > 1) fail(node, "a step has at most one of json, body, body_file");
        if (node["json"]) {
            s.body = text(node["json"], boost::json::serialize(to_json(node["json"])), "json",
                          Escape::json_string);
            s.content_type = "application/json";
        }
        if (node["body"]) s.body = text(node["body"], "body", Escape::none);
        if (node["body_file"])
            s.body_bytes = read_file(node["body_file"], scalar(node["body_file"], "body_file"));
        if (node["content_type"]) s.content_type = scalar(node["content_type"], "content_type");
        if (auto c = node["check"]) {
            only_keys(c, {"status", "body_contains"}, "check");
            if (auto st = c["status"]) {
                if (st.IsSequence()) {
                    for (const auto& v : st)
                        s.check.statuses.push_back(static_cast<int>(number(v, "status", 100, 599)));
                } else {
                    s.check.statuses.push_back(static_cast<int>(number(st, "status", 100, 599)));
                }
            }
            if (c["body_contains"])
                s.check.body_contains = text(c["body_contains"], "body_contains", Escape::none);
        }
        if (auto c = node["capture"]) {
            if (!c.IsMap()) fail(c, "capture maps variable names to $.json.paths or header:Name");
            for (const auto& e : c) {
                Capture cap{e.first.as<std::string>(), {}, {}};
                auto source = scalar(e.second, "a capture");
                constexpr std::string_view kHeader = "header:";
                if (source.starts_with(kHeader) && source.size() > kHeader.size())
                    cap.header = source.substr(kHeader.size());
                else if (valid_json_path(source))
                    cap.json_path = source;
                else
                    fail(e.second, "a capture is $.path.in.the[0].json or header:Name");
                captured_.insert(cap.variable);
                s.captures.push_back(std::move(cap));
            }
        }
        if (node["when"]) s.when = scalar(node["when"], "when");
        if (node["unless"]) s.unless = scalar(node["unless"], "unless");
        return s;
    }

    std::vector<Step> steps(const YAML::Node& list, const std::string& where, int depth) {
        if (!list.IsSequence() || list.size() == 0) fail(list, where + " is a list of steps");
        if (depth > 8) fail(list, "branches nest at most 8 deep");
        std::vector<Step> out;
        for (const auto& node : list) {
            if (node.IsMap() && node["think"]) {
                only_keys(node, {"think"}, "a think step");
                Step s;
                s.kind = Step::Kind::think;
                s.line = node.Mark().line + 1;
                s.think = think(node["think"]);
                out.push_back(std::move(s));
            } else if (node.IsMap() && node["branch"]) {
                only_keys(node, {"branch"}, "a branch step");
                Step s;
                s.kind = Step::Kind::branch;
                s.line = node.Mark().line + 1;
                auto branches = node["branch"];
                if (!branches.IsSequence() || branches.size() == 0)
                    fail(branches, "branch is a list of {weight, steps}");
                for (const auto& b : branches) {
                    only_keys(b, {"weight", "steps"}, "a branch");
                    Branch branch;
                    if (b["weight"]) branch.weight = number(b["weight"], "weight", 0, 1e9);
                    branch.steps = steps(b["steps"], "steps", depth + 1);
                    s.branches.push_back(std::move(branch));
                }
                out.push_back(std::move(s));
            } else {
                out.push_back(request(node));
            }
        }
        return out;
    }

    Scenario scenario(const YAML::Node& root) {
        only_keys(root,
                  {"name", "base_url", "headers", "variables", "journey", "pause", "pause_first",
                   "stages", "events", "thresholds"},
                  "the scenario");
        Scenario sc;
        if (root["name"]) sc.name = scalar(root["name"], "name");
        if (root["base_url"]) sc.base_url = scalar(root["base_url"], "base_url");
        if (root["headers"]) sc.headers = headers(root["headers"]);
        if (auto v = root["variables"]) {
            if (!v.IsMap()) fail(v, "variables maps names to values");
            for (const auto& e : v)
                sc.variables.emplace_back(e.first.as<std::string>(),
                                          scalar(e.second, "a variable"));
        }
        if (!root["journey"]) fail(root, "the scenario has no journey");
        sc.journey = steps(root["journey"], "journey", 0);
        if (root["pause"]) sc.pause = think(root["pause"]);
        if (root["pause_first"]) {
            auto v = scalar(root["pause_first"], "pause_first");
            if (v != "true" && v != "false")
                fail(root["pause_first"], "pause_first is true or false");
            sc.pause_first = v == "true";
        }
        if (root["events"]) sc.events_share = number(root["events"], "events", 0, 1);
        if (auto st = root["stages"]) {
            if (!st.IsSequence() || st.size() == 0) fail(st, "stages is a list");
            int users = 0, rates = 0;
            for (const auto& s : st) {
                only_keys(s, {"duration", "users", "rate"}, "a stage");
                if (!s["duration"]) fail(s, "a stage has a duration");
                Stage stage;
                stage.duration = duration(s["duration"], "duration");
                if (s["users"]) {
                    ++users;
                    stage.target = std::round(number(s["users"], "users", 0, 10'000'000));
                } else if (s["rate"]) {
                    ++rates;
                    stage.target = number(s["rate"], "rate", 0, 1e8);
                } else {
                    fail(s, "a stage has users (closed model) or rate (open model)");
                }
                sc.stages.push_back(stage);
            }
            if (users && rates) fail(st, "stages are all users or all rate, not both");
            sc.open_model = rates > 0;
        }
        if (auto t = root["thresholds"]) {
            if (!t.IsSequence()) fail(t, "thresholds is a list like [\"p99<50ms\"]");
            for (const auto& e : t) sc.thresholds.push_back(scalar(e, "a threshold"));
        }
        for (const auto& [name, line] : used_) {
            // A plain reference: lambdas capture structured bindings only from clang 16
            // (the fuzz build is clang).
            const auto& variable = name;
            bool known = builtin_variable(name) || captured_.count(name) ||
                         std::any_of(sc.variables.begin(), sc.variables.end(),
                                     [&](const auto& v) { return v.first == variable; });
            if (!known) {
                std::ostringstream m;
                m << source_ << ":" << line << ": {{" << name
                  << "}} is neither captured by a step, in variables, nor one of user, "
                     "iteration, token, email, word, rand";
                throw std::invalid_argument(m.str());
            }
            if (name == "token" || name == "email") sc.needs_accounts = true;
            if (!sc.uses(name)) sc.variables_used.push_back(name);
        }
        sc.step_names = names_;
        return sc;
    }

private:
    std::string source_;
    std::string directory_;
    std::vector<std::string> names_;
    std::multimap<std::string, int> used_;
    std::set<std::string> captured_;
};

}  // namespace

Scenario parse_scenario(const std::string& yaml, const std::string& source_name,
                        const std::string& directory) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(source_name + ":" + std::to_string(e.mark.line + 1) + ": " +
                                    e.msg);
    }
    Reader reader(source_name, directory);
    if (!root.IsMap()) reader.fail(root, "a scenario is a mapping with a journey");
    try {
        return reader.scenario(root);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(source_name + ":" + std::to_string(e.mark.line + 1) + ": " +
                                    e.msg);
    }
}

Scenario load_scenario(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("cannot read the scenario " + path);
    std::ostringstream text;
    text << in.rdbuf();
    auto slash = path.rfind('/');
    return parse_scenario(text.str(), path,
                          slash == std::string::npos ? "." : path.substr(0, slash));
}

Scenario url_scenario(const std::string& method, const std::string& url) {
    // The base is scheme://authority; the rest is the one step's path, as written.
    auto scheme_end = url.find("://");
    auto path_at =
        scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
    Scenario sc;
    sc.base_url = path_at == std::string::npos ? url : url.substr(0, path_at);
    Step s;
    s.method = method;
    // Taken literally: a URL's braces are not variables.
    s.path =
        Template::parse(path_at == std::string::npos ? "/" : url.substr(path_at), Escape::none);
    if (!s.path.constant()) throw std::invalid_argument("--url takes no {{variables}}");
    sc.step_names.push_back(method + " " + s.path.text());
    sc.journey.push_back(std::move(s));
    return sc;
}

}  // namespace mindme::loadgen
