#pragma once
// Reading JSON request bodies with API.md's errors: 415 when the body is not declared
// JSON, 400 when it does not parse or is not an object, 422 naming the field when a
// field has the wrong type.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace mindme::app {

boost::json::object parse_json_object(const http::Request& req);
// The string field `name`; 422 "<name> must be a string" when missing or not a string.
std::string require_string(const boost::json::object& body, std::string_view name);
// Number of Unicode code points in valid UTF-8 (continuation bytes not counted).
std::size_t code_points(std::string_view utf8);

}  // namespace mindme::app
