#pragma once
// What RFC 9112 makes of a request's framing beyond what the parser checks, so that no
// body can be read as another request (request smuggling). Private to src/http (and its
// fuzz target): it pulls in Beast.
#include <boost/beast/http/message.hpp>
#include <optional>
#include <string>
#include <utility>

#include "core/errors.hpp"

namespace mindme::http::detail {

using FramingError = std::optional<std::pair<core::ErrorCode, std::string>>;

// A Transfer-Encoding must end in chunked, the only coding served (another: 501;
// chunked not last or twice, or on HTTP/1.0: 400), and Host, Authorization and
// Content-Type may appear once. nullopt: the framing is sound.
FramingError framing_error(const boost::beast::http::request_header<>& head);

}  // namespace mindme::http::detail
