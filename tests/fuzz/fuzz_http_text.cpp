// The text parsers that read request bytes: percent-decoding, query parameters, the
// logged target, If-Modified-Since dates, header values.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "core/http_date.hpp"
#include "core/text.hpp"
#include "fuzz_check.hpp"
#include "http/message.hpp"
#include "http/static_site.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mindme;
    std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto decoded = http::percent_decode(text, true)) FUZZ_CHECK(decoded->size() <= size);

    http::Request req;
    req.query = text;
    try {  // a malformed escape is the client's 400, not a crash
        (void)req.query_param("token");
        (void)req.query_param("");
    } catch (const core::ApiError&) {
    }

    auto logged = http::loggable_target(text, 64);
    FUZZ_CHECK(logged.size() <= 64);

    if (auto t = core::parse_http_date(text)) {
        auto again = core::parse_http_date(core::format_http_date(*t));
        FUZZ_CHECK(again && *again == *t);
    }

    for (auto item : core::split_list(text)) FUZZ_CHECK(core::trim(item) == item);
    (void)http::accepts_encoding(text, "br");
    (void)http::is_fingerprinted(text);
    (void)http::content_type_for(text);

    http::HeaderBlock block;
    block.set("X-Fuzz", text);
    block.set(text, "v");
    auto value = block.get("X-Fuzz");
    // Whatever the input, the block is a list of CRLF-terminated lines with no other
    // CR or LF in them: no header can be smuggled.
    const auto& wire = block.text();
    std::size_t lines = 0;
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\n') FUZZ_CHECK(i > 0 && wire[i - 1] == '\r');
        if (wire[i] == '\r') FUZZ_CHECK(i + 1 < wire.size() && wire[i + 1] == '\n');
        lines += wire[i] == '\n';
    }
    FUZZ_CHECK(lines >= 1 && lines <= 2);
    (void)value;
    return 0;
}
