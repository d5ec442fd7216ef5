#pragma once
// Email addresses as account identifiers: what sign-up and sign-in accept and the key
// that uniqueness compares.
#include <string>
#include <string_view>

namespace mindme::app {

// Trimmed email in NFC, and its key: case-folded (what uniqueness compares).
struct Email {
    std::string address;
    std::string key;
};
// 422 naming "email" unless it is a plausible address of at most 254 bytes (64 before the
// @) without control, invisible or text-direction characters.
Email normalize_email(std::string_view raw);

}  // namespace mindme::app
