#include "app/json_body.hpp"

#include <boost/json/parse.hpp>

#include "core/text.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;

namespace {

// Members of every object in `v`, nested ones included.
std::size_t object_members(const boost::json::value& v) {
    std::size_t n = 0;
    if (v.is_object()) {
        n += v.as_object().size();
        for (const auto& kv : v.as_object()) n += object_members(kv.value());
    } else if (v.is_array()) {
        for (const auto& e : v.as_array()) n += object_members(e);
    }
    return n;
}

// Keys written in `text`, valid JSON: in it a colon outside strings separates a key from
// its value, and nothing else.
std::size_t keys_written(std::string_view text) {
    std::size_t n = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == ':') {
            ++n;
        }
    }
    return n;
}

}  // namespace

boost::json::object parse_json_object(const http::Request& req) {
    auto type = req.header("Content-Type").value_or("");
    auto semi = type.find(';');
    if (!http::iequals(core::trim(type.substr(0, semi)), "application/json"))
        throw ApiError(ErrorCode::kUnsupportedMediaType, "the body must be application/json");
    boost::system::error_code ec;
    auto value = boost::json::parse(req.body, ec);
    if (ec) throw ApiError(ErrorCode::kBadRequest, "the body is not valid JSON: " + ec.message());
    if (!value.is_object())
        throw ApiError(ErrorCode::kBadRequest, "the body must be a JSON object");
    // The parser keeps the last of duplicate keys; which one a client meant is unknowable
    // (and other parsers keep the first), so a body with any is refused.
    if (keys_written(req.body) != object_members(value))
        throw ApiError(ErrorCode::kUnprocessable, "the body has a key twice in one object");
    return std::move(value.as_object());
}

std::string require_string(const boost::json::object& body, std::string_view name) {
    auto it = body.find(name);
    if (it == body.end() || !it->value().is_string())
        throw ApiError(ErrorCode::kUnprocessable, std::string(name) + " must be a string");
    return std::string(it->value().as_string());
}

}  // namespace mindme::app
