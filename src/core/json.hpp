#pragma once
// Small JSON helpers shared by hot paths (error bodies, log lines) that build JSON
// text directly instead of through a DOM.
#include <string>
#include <string_view>

namespace mindme::core {

// Appends `text` as a quoted JSON string, escaping what RFC 8259 requires. Invalid
// UTF-8 bytes are replaced by U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

std::string json_string(std::string_view text);

}  // namespace mindme::core
