#pragma once
// The bytes of a scenario's request steps: head and body rendered from the user's
// variables, and, for steps that never vary, written once for the whole run.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "loadgen/scenario.hpp"

namespace mindme::loadgen {

// The request of step `s` into `out`; the name of a variable that was not set, if any.
std::optional<std::string> build_request(const Scenario& sc, const Step& s,
                                         const std::string& authority, const Variables& vars,
                                         std::string& out);

// Requests that never vary, by step.
using Prebuilt = std::unordered_map<const Step*, std::string>;
void prebuild(const Scenario& sc, const std::vector<Step>& steps, const std::string& authority,
              Prebuilt& out);

// The id of the first request step (errors before any request are counted there).
std::size_t first_request_id(const std::vector<Step>& steps);

}  // namespace mindme::loadgen
