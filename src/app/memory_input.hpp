#pragma once
// The fields of a memory as a client sends them (POST and PUT), checked against
// API.md's rules: title a string of at most 200 characters (required), body a string
// of at most 64 KiB (default empty), tags at most 20 strings of 1 to 40 characters
// (default none). A broken rule is 422 with a message naming the field.
#include <boost/json/object.hpp>

#include "app/limits.hpp"
#include "http/message.hpp"
#include "store/memories.hpp"

namespace mindme::app {

// Title, body and tags from the request body; other fields are left empty.
store::Memory parse_memory_input(const http::Request& req);
// The same from a JSON object (what the assistant's create_memory tool is given).
store::Memory memory_from_json(const boost::json::object& body);

}  // namespace mindme::app
