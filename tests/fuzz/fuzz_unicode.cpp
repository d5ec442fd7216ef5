// The Unicode rules identifiers go through: NFC and case folding are idempotent on valid
// UTF-8, and the look-alike checks read any of it.
#include <cstdint>
#include <string>

#include "core/unicode.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mindme::core;
    std::string text(reinterpret_cast<const char*>(data), size);
    if (!is_valid_utf8(text)) return 0;
    auto composed = nfc(text);
    FUZZ_CHECK(is_valid_utf8(composed));
    FUZZ_CHECK(nfc(composed) == composed);
    auto folded = casefold(text);
    FUZZ_CHECK(casefold(folded) == folded);
    (void)has_control(text);
    (void)has_bidi_control(text);
    (void)has_zero_width(text);
    return 0;
}
