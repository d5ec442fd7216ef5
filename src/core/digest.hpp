#pragma once
// SHA-256 and HMAC-SHA256 (OpenSSL), and bytes as lower-case hex: what keys of secrets
// (tokens stored only as digests) and request signatures are made of.
#include <string>
#include <string_view>

namespace mindme::core {

std::string hex(std::string_view bytes);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
// Whether two secrets are equal, in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace mindme::core
