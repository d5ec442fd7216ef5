#pragma once
// A request body that the handler reads piece by piece (uploads), through a parser
// converted from the one that read the head. Private to src/http: it pulls in Beast.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <optional>

#include "http/message.hpp"
#include "http/server_internal.hpp"
#include "http/transfer_deadline.hpp"

namespace mindme::http::detail {

class StreamedBody final : public BodyStream {
public:
    using HeadParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
    using Message = boost::beast::http::request<boost::beast::http::buffer_body>;

    // Takes over `head` (a parser that has read the head only); at most `limit` bytes.
    StreamedBody(Shared& s, Connection& conn, HeadParser&& head, std::uint64_t limit);

    // The next bytes of the body, 0 at its end. Throws ApiError: 413 past the limit, 408
    // when the body stalls past server.body_timeout_seconds or trickles below
    // server.min_rate_bytes_per_second (TransferDeadline), 400 when it breaks off.
    asio::awaitable<std::size_t> read(char* data, std::size_t size) override;
    std::optional<std::uint64_t> declared_length() const override;

    bool complete() const { return parser_.is_done(); }
    Message& message() { return parser_.get(); }

private:
    Shared& s_;
    Connection& conn_;
    boost::beast::http::request_parser<boost::beast::http::buffer_body> parser_;
    std::uint64_t limit_;
    TransferDeadline deadline_;
    std::uint64_t received_ = 0;
    bool expect_continue_ = false;
};

// "HTTP/1.1 100 Continue", asked for by a client that waits before sending its body.
asio::awaitable<void> send_continue(Shared& s, Connection& conn);

}  // namespace mindme::http::detail
