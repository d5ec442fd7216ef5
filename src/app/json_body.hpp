#pragma once
// Reading JSON request bodies with API.md's errors: 415 when the body is not declared
// JSON, 400 when it does not parse or is not an object, 422 naming the field when a
// field has the wrong type.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "http/message.hpp"

namespace mindme::app {

boost::json::object parse_json_object(const http::Request& req);
// The string field `name`; 422 "<name> must be a string" when missing or not a string.
std::string require_string(const boost::json::object& body, std::string_view name);
using core::code_points;

}  // namespace mindme::app
