#include "app/route_table.hpp"

#include <boost/json/serialize.hpp>

#include "app/openapi_doc.hpp"

namespace mindme::app {

std::string operation_json(const RouteTable& table, const Operation& operation) {
    namespace json = boost::json;
    json::object op{{"summary", operation.summary}, {"tags", json::array{table.tag}}};
    if (table.bearer) op["security"] = doc::bearer();
    for (const auto& [key, value] : operation.fields) op[key] = value;
    json::object responses = operation.responses;
    if (table.bearer && !responses.contains("401"))
        responses["401"] = doc::described("No valid bearer token");
    op["responses"] = std::move(responses);
    return json::serialize(op);
}

void add_route_table(http::Router& router, RouteTable table) {
    for (auto& route : table.routes)
        router.add(route.method, route.path, std::move(route.handler),
                   operation_json(table, route.operation));
}

}  // namespace mindme::app
