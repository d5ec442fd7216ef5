// A request as the server reads it: Beast's parser with the server's limits (head 16 KiB,
// body 1 MiB, chunked or by length), then the framing rules (http/framing.hpp) on the head.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>

#include "fuzz_check.hpp"
#include "http/framing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace bhttp = boost::beast::http;
    constexpr std::uint64_t kBodyLimit = 1024 * 1024;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(kBodyLimit);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    // In two pieces, as a network delivers it, so that resuming is exercised too.
    for (std::size_t cut : {size / 2, size}) {
        while (used < cut && !ec && !parser.is_done()) {
            // What put() consumed is gone even when it asks for more (need_more): the
            // rest is presented again with the next piece.
            auto n = parser.put(boost::asio::buffer(data + used, cut - used), ec);
            used += n;
            if (ec == bhttp::error::need_more) {
                ec = {};
                break;
            }
            if (n == 0) break;
        }
    }
    if (parser.is_header_done()) {
        auto framing = mindme::http::detail::framing_error(parser.get());
        if (!framing && parser.is_done()) {
            FUZZ_CHECK(parser.get().body().size() <= kBodyLimit);
            // A sound request has one Host at most and, when chunked, chunked last.
            FUZZ_CHECK(parser.get().count(bhttp::field::host) <= 1);
        }
    }
    return 0;
}
