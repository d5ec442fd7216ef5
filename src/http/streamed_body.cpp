#include "http/streamed_body.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <string>
#include <string_view>

#include "core/errors.hpp"

namespace mindme::http::detail {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

asio::awaitable<void> send_continue(Shared& s, Connection& conn) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    conn.expires_after(s.options.write_timeout, "write_timeout");
    co_await asio::async_write(*conn.socket, asio::buffer(kContinue), kUseTuple);
}

StreamedBody::StreamedBody(Shared& s, Connection& conn, HeadParser&& head, std::uint64_t limit)
    : s_(s),
      conn_(conn),
      parser_(std::move(head)),
      limit_(limit),
      deadline_{Clock::now(), s.options.body_timeout, s.options.min_rate} {
    parser_.body_limit(limit);
    expect_continue_ = beast::iequals(parser_.get()[bhttp::field::expect], "100-continue");
}

asio::awaitable<std::size_t> StreamedBody::read(char* data, std::size_t size) {
    if (size == 0) co_return 0;
    if (expect_continue_) {
        // Asked for only now that the handler wants the body (it may refuse first).
        expect_continue_ = false;
        co_await send_continue(s_, conn_);
    }
    while (!parser_.is_done()) {
        auto& body = parser_.get().body();
        body.data = data;
        body.size = size;
        conn_.expires_after(deadline_.next_wait(received_, Clock::now()), "body_timeout");
        auto [ec, n] =
            co_await bhttp::async_read_some(*conn_.socket, conn_.buffer, parser_, kUseTuple);
        conn_.no_deadline();
        if (ec == bhttp::error::need_buffer) ec = {};
        if (ec == bhttp::error::body_limit)
            throw core::ApiError(core::ErrorCode::kPayloadTooLarge,
                                 "the upload exceeds " + std::to_string(limit_) + " bytes");
        if (ec && conn_.expired) {
            conn_.answer_expiry();
            throw core::ApiError(core::ErrorCode::kRequestTimeout,
                                 "the body did not arrive in time");
        }
        if (ec)
            throw core::ApiError(core::ErrorCode::kBadRequest,
                                 "the body broke off: " + ec.message());
        auto got = size - body.size;
        received_ += got;
        if (got > 0) co_return got;
    }
    co_return 0;
}

std::optional<std::uint64_t> StreamedBody::declared_length() const {
    auto length = parser_.content_length();
    if (!length) return std::nullopt;
    return *length;
}

}  // namespace mindme::http::detail
