#pragma once
// Unpadded base64url (RFC 4648 §5): the form of opaque tokens that travel in URLs,
// such as pagination cursors.
#include <optional>
#include <string>
#include <string_view>

namespace mindme::core {

std::string base64url_encode(std::string_view bytes);
// nullopt unless `text` is canonical unpadded base64url (no padding, no stray bits).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace mindme::core
