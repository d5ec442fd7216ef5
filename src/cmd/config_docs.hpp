#pragma once
#include <string>

#include "core/config.hpp"

namespace mindme::cmd {

// docs/config.md is this text; a test keeps the file in step with the code.
std::string config_markdown(const core::ConfigSchema& schema);
// The resolved values as a YAML document that `--config` accepts back.
std::string config_yaml(const core::Config& config);

}  // namespace mindme::cmd
