#include "core/compact_jws.hpp"

#include <boost/json/parse.hpp>

#include "core/base64url.hpp"

namespace mindme::core {

namespace {

std::optional<boost::json::object> json_segment(std::string_view segment) {
    auto bytes = core::base64url_decode(segment);
    if (!bytes) return std::nullopt;
    boost::system::error_code ec;
    auto value = boost::json::parse(*bytes, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

}  // namespace

std::optional<std::string> decode_compact_jws(std::string_view token, CompactJws& out) {
    auto first = token.find('.');
    auto last = token.rfind('.');
    if (first == std::string_view::npos || first == last || token.find('.', first + 1) != last)
        return "it must have three dot-separated segments";
    auto header = json_segment(token.substr(0, first));
    if (!header) return "its header is not base64url-encoded JSON";
    auto payload = json_segment(token.substr(first + 1, last - first - 1));
    if (!payload) return "its payload is not base64url-encoded JSON";
    auto signature = core::base64url_decode(token.substr(last + 1));
    if (!signature) return "its signature is not base64url";
    out.header = std::move(*header);
    out.payload = std::move(*payload);
    out.signing_input = std::string(token.substr(0, last));
    out.signature = std::move(*signature);
    return std::nullopt;
}

}  // namespace mindme::core
