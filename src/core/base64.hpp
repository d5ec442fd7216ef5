#pragma once
// Standard base64 (RFC 4648 §4, padded): how AWS event streams carry bytes inside JSON
// (Bedrock's {"bytes": ...} and audio content). Opaque tokens in URLs use base64url.
#include <optional>
#include <string>
#include <string_view>

namespace mindme::core {

std::string base64_encode(std::string_view bytes);
// nullopt unless `text` is padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mindme::core
