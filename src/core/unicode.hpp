#pragma once
// What identifiers people type need beyond bytes: Unicode normalisation (NFC), case
// folding, and the characters that make two different strings look alike (invisible
// ones, and the bidirectional controls that reorder what is shown: "Trojan Source",
// CVE-2021-42574). On utf8proc.
#include <string>
#include <string_view>

namespace mindme::core {

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Canonical composition (NFC) of valid UTF-8.
std::string nfc(std::string_view valid);
// NFC with full Unicode case folding: what compares case-insensitively ("Straße" and
// "STRASSE" fold alike).
std::string casefold(std::string_view valid);

// Control characters (general category Cc: C0, DEL, C1).
bool has_control(std::string_view valid);
// Characters that change the direction text is shown in (LRM, RLM, ALM, the embeddings,
// overrides and isolates).
bool has_bidi_control(std::string_view valid);
// Characters with no width (zero-width space, joiners, word joiner, BOM).
bool has_zero_width(std::string_view valid);

}  // namespace mindme::core
