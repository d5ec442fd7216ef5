#pragma once
// A route class's routes as one table: each row is what the router dispatches and what
// /openapi.json says of it, so that neither is written without the other. The blocks
// every operation repeats (its tag, the bearer requirement and its 401) come from the
// row, not from each route's text.
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "http/router.hpp"

namespace mindme::app {

// A route's OpenAPI operation object.
struct Operation {
    const char* summary;
    // Other members of the operation: description, parameters, requestBody.
    boost::json::object fields;
    // By status; with `bearer`, "401" is added unless given.
    boost::json::object responses;
};

struct Route {
    const char* method;
    const char* path;
    http::Handler handler;
    Operation operation;
};

struct RouteTable {
    const char* tag;     // the OpenAPI tag of every row
    bool bearer = true;  // every row needs Authorization: Bearer
    std::vector<Route> routes;
};

// The operation's JSON text as `table` declares it.
std::string operation_json(const RouteTable& table, const Operation& operation);

// Adds every row to the router with its operation.
void add_route_table(http::Router& router, RouteTable table);

}  // namespace mindme::app
