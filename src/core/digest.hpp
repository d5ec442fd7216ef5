#pragma once
// SHA-256 and HMAC-SHA256 (OpenSSL), and bytes as lower-case hex: what keys of secrets
// (tokens stored only as digests) and request signatures are made of.
#include <string>
#include <string_view>

namespace mindme::core {

std::string hex(std::string_view bytes);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes

}  // namespace mindme::core
