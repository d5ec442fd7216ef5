#pragma once
// One load test over several processes: a process holds at most ~20,000 open files
// here, so 250,000 connections need a dozen or more. The parent forks them before
// any thread exists, gives each its lanes, shows their summed progress and merges
// their results (histograms add up exactly).
#include <cstddef>

#include "loadgen/engine.hpp"

namespace mindme::loadgen {

// Call only while the process has a single thread. Throws std::runtime_error when a
// process fails (with its message), std::invalid_argument as run_load does.
RunResult run_load_in_processes(const Scenario& scenario, const LoadOptions& options,
                                std::size_t processes);

}  // namespace mindme::loadgen
