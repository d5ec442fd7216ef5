#pragma once
// What the reporting commands (scale simulate, plan) share: where their output goes and
// how their errors become exit codes.
#include <functional>
#include <string>

namespace mindme::cmd {

// Writes `text` to the file at `path`, or to standard output for "-". Throws
// std::runtime_error when the file cannot be written.
void write_output(const std::string& text, const std::string& path);

// Runs `body`; an exception is printed as "mindme NAME: WHAT" on standard error, and the
// exit code is 2 (kExitUsage) for std::invalid_argument — bad input — else 1.
int run_reporting_errors(const std::string& name, const std::function<int()>& body);

}  // namespace mindme::cmd
