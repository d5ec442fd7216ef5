#pragma once
// Passwords and session tokens. Passwords are kept only as argon2id hashes (libsodium,
// interactive limits: salted, self-describing strings); tokens are 256 random bits of
// which the store keeps only the SHA-256, so a stolen database opens no session.
#include <string>
#include <string_view>

namespace mindme::auth {

// CPU- and memory-heavy (tens of ms, 64 MiB): call from a blocking pool.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

std::string new_session_token();                   // 43 characters of base64url
std::string token_digest(std::string_view token);  // 64 hex digits

}  // namespace mindme::auth
