#pragma once
// A load test's scenario: what each virtual user does (a journey of requests, think
// times and weighted branches, with values captured from responses and checks on
// them) and how many users or arrivals there are over time (stages). Written in YAML
// (docs/loadgen.md); `--url` makes the one-request scenario of a plain benchmark.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "loadgen/template.hpp"

namespace mindme::loadgen {

using Micros = std::chrono::microseconds;

// "500ms", "30s", "2m", "1h" (a bare number is seconds); nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

// A pause: none, a constant, uniform between two bounds, or exponential with a mean
// (memoryless, as a population of independent users behaves).
struct Think {
    enum class Kind { none, constant, uniform, exponential };
    Kind kind = Kind::none;
    Micros a{0};  // constant, lower bound or mean
    Micros b{0};  // upper bound
    Micros sample(std::mt19937_64& random) const;
};

// Written "$.items[0].id" (JSON of the body; a missing or null value unsets the
// variable) or "header:Location"; told apart once, when the scenario loads.
struct Capture {
    std::string variable;
    std::string header;     // set: the value of this response header
    std::string json_path;  // otherwise: this path into the JSON body
};

struct Check {
    std::vector<int> statuses;  // empty: any status below 400
    Template body_contains;     // empty: no body check
};

struct Step;
struct Branch {
    double weight = 1;
    std::vector<Step> steps;
};

struct Step {
    enum class Kind { request, think, branch };
    Kind kind = Kind::request;
    int line = 0;  // in the scenario file, for messages

    // request
    std::size_t id = 0;  // index into Scenario::step_names: statistics are per name
    std::string method;
    Template path;                                          // after the base URL
    std::vector<std::pair<std::string, Template>> headers;  // on top of the defaults
    Template body;
    std::string body_bytes;  // body_file: sent as is
    std::string content_type;
    Check check;
    std::vector<Capture> captures;
    std::string when;    // run only when this variable is set
    std::string unless;  // run only when this variable is not set

    // think
    Think think;

    // branch: one of these, by weight
    std::vector<Branch> branches;
};

struct Stage {
    Micros duration{0};
    double target = 0;  // users (closed model) or arrivals per second (open model)
};

struct Scenario {
    std::string name = "load";
    std::string base_url;                                        // http://host:port
    std::vector<std::pair<std::string, Template>> headers;       // sent with every request
    std::vector<std::pair<std::string, std::string>> variables;  // constants
    std::vector<Step> journey;
    Think pause;  // between two passes of the journey (closed model)
    // Users start with a pause, so a population that arrives at once does not act in
    // lockstep (with an exponential pause the steady rate holds from the start).
    bool pause_first = false;
    bool open_model = false;
    std::vector<Stage> stages;
    double events_share = 0;  // the share of users that also hold /v1/events
    std::vector<std::string> thresholds;
    std::vector<std::string> step_names;  // in order of first appearance
    bool needs_accounts = false;          // uses {{token}} or {{email}}
    std::vector<std::string> variables_used;

    bool uses(std::string_view variable) const {
        return std::find(variables_used.begin(), variables_used.end(), variable) !=
               variables_used.end();
    }

    Micros length() const;
    // The stage target at `t` from the start (linear within a stage, from 0).
    double target_at(Micros t) const;
    double peak() const;
};

// Throws std::invalid_argument "file:line: what is wrong".
Scenario load_scenario(const std::string& path);
Scenario parse_scenario(const std::string& yaml, const std::string& source_name,
                        const std::string& directory);
// One request, no think time: what `--url` measures.
Scenario url_scenario(const std::string& method, const std::string& url);

// Stages from the command line: up to `target` over `ramp`, `hold`, down over `down`.
std::vector<Stage> ramp_hold_down(double target, Micros ramp, Micros hold, Micros down);

// Names a user may use without capturing them.
bool builtin_variable(const std::string& name);

}  // namespace mindme::loadgen
