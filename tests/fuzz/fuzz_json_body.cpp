// JSON bodies as the routes read them: the object parser (with its duplicate-key rule),
// a memory's fields and tags, and an email. Whatever is accepted keeps the rules.
#include <algorithm>
#include <cstdint>
#include <string>

#include "app/email.hpp"
#include "app/limits.hpp"
#include "app/memory_input.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "core/unicode.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mindme;
    std::string text(reinterpret_cast<const char*>(data), size);
    http::Request req;
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = text;
    try {
        auto m = app::parse_memory_input(req);
        FUZZ_CHECK(core::code_points(m.title) <= app::kMaxTitleChars);
        FUZZ_CHECK(m.body.size() <= app::kMaxBodyBytes);
        FUZZ_CHECK(m.tags.size() <= app::kMaxTags);
        for (const auto& tag : m.tags) {
            FUZZ_CHECK(core::is_valid_utf8(tag) && core::nfc(tag) == tag);
            FUZZ_CHECK(!tag.empty() && core::trim(tag, " \t\r\n") == tag);
            FUZZ_CHECK(std::count(m.tags.begin(), m.tags.end(), tag) == 1);
            FUZZ_CHECK(!core::has_control(tag) && !core::has_bidi_control(tag));
        }
    } catch (const core::ApiError&) {
    }
    try {
        auto email = app::normalize_email(text);
        FUZZ_CHECK(email.address.size() <= app::kMaxEmailBytes);
        FUZZ_CHECK(std::count(email.address.begin(), email.address.end(), '@') == 1);
        FUZZ_CHECK(!core::has_zero_width(email.address) && !core::has_bidi_control(email.address));
        FUZZ_CHECK(core::casefold(email.key) == email.key);  // a key is its own key
    } catch (const core::ApiError&) {
    }
    return 0;
}
