#include "app/json_body.hpp"

#include <boost/json/parse.hpp>

#include "core/text.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;

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
    return std::move(value.as_object());
}

std::string require_string(const boost::json::object& body, std::string_view name) {
    auto it = body.find(name);
    if (it == body.end() || !it->value().is_string())
        throw ApiError(ErrorCode::kUnprocessable, std::string(name) + " must be a string");
    return std::string(it->value().as_string());
}

}  // namespace mindme::app
