// Cursors and tokens as clients send them back: list and sync cursors from the query, a
// bearer token from the header, base64url. A cursor that is accepted encodes back to
// itself, so no two texts name one position.
#include <cstdint>
#include <string>

#include "app/paging.hpp"
#include "auth/authenticator.hpp"
#include "core/base64url.hpp"
#include "core/errors.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mindme;
    std::string text(reinterpret_cast<const char*>(data), size);
    std::string query = "cursor=" + text + "&since=" + text;
    http::Request req;
    req.query = query;
    req.headers.emplace_back("Authorization", text);
    try {
        if (auto position = app::list_cursor_param(req, "cursor")) {
            auto again = app::encode_list_cursor(*position);
            http::Request back;
            std::string q = "cursor=" + again;
            back.query = q;
            auto reread = app::list_cursor_param(back, "cursor");
            FUZZ_CHECK(reread && reread->updated_at_ms == position->updated_at_ms &&
                       reread->id == position->id);
        }
    } catch (const core::ApiError&) {
    }
    try {
        auto seq = app::sync_cursor_param(req, "since");
        FUZZ_CHECK(seq >= 0);
    } catch (const core::ApiError&) {
    }
    try {
        auto token = auth::bearer_token(req);
        FUZZ_CHECK(token.size() <= size);
    } catch (const core::ApiError&) {
    }
    if (auto bytes = core::base64url_decode(text)) {
        auto round = core::base64url_decode(core::base64url_encode(*bytes));
        FUZZ_CHECK(round && *round == *bytes);
    }
    return 0;
}
