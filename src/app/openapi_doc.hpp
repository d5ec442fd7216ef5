#pragma once
// Building blocks of the OpenAPI operation objects that routes declare.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace mindme::app::doc {

// A response without a body worth describing (errors use the shared Error schema).
boost::json::object described(const char* text);
// A response with a JSON body of `schema`.
boost::json::object with_body(const char* text, boost::json::value schema);
// A required JSON request body of `schema`.
boost::json::object json_request(boost::json::value schema);
// The operation's security requirement: a bearer token.
boost::json::array bearer();
boost::json::object query_param(const char* name, const char* text, boost::json::value schema);
boost::json::object path_param(const char* name, const char* text);
// ?limit (1 to 200, default 50) and ?cursor of a paged list.
boost::json::array page_params();
// ?token= of a WebSocket upgrade (browsers cannot set headers on one).
boost::json::array socket_token_params();
// The answers of a WebSocket upgrade: 101, 400 (not an upgrade), 401; add the route's own.
boost::json::object socket_responses();
// The schema of a memory as the API returns it.
boost::json::value memory_schema();

}  // namespace mindme::app::doc
