#include "app/email.hpp"

#include "app/limits.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "core/unicode.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;

Email normalize_email(std::string_view raw) {
    auto trimmed = core::trim(raw, " \t\r\n");
    if (!core::is_valid_utf8(trimmed))
        throw ApiError(ErrorCode::kUnprocessable, "email must be valid UTF-8");
    auto address = core::nfc(trimmed);
    // Look-alike accounts: the same address with an invisible or reordering character.
    if (core::has_control(address) || core::has_zero_width(address) ||
        core::has_bidi_control(address))
        throw ApiError(ErrorCode::kUnprocessable,
                       "email must not contain control, invisible or text-direction characters");
    auto at = address.find('@');
    bool plausible = !address.empty() && address.size() <= kMaxEmailBytes &&
                     at != std::string::npos && at > 0 && at <= kMaxEmailLocalBytes &&
                     at + 1 < address.size() && address.find('@', at + 1) == std::string::npos;
    if (plausible) {
        // The domain: dot-separated labels, none empty, at least two.
        auto domain = std::string_view(address).substr(at + 1);
        auto labels = core::split_list(domain, '.');
        plausible = labels.size() >= 2;
        for (auto label : labels) plausible &= !label.empty() && label.size() <= 63;
    }
    for (char c : address) plausible &= c != ' ' && c != '<' && c != '>' && c != ',';
    if (!plausible) throw ApiError(ErrorCode::kUnprocessable, "email must be an email address");
    auto key = core::casefold(address);
    return {address, key};
}

}  // namespace mindme::app
