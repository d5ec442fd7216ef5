#include "app/openapi_doc.hpp"

#include "app/memory_input.hpp"
#include "app/paging.hpp"

namespace mindme::app::doc {

namespace json = boost::json;

json::object described(const char* text) { return {{"description", text}}; }

json::object with_body(const char* text, json::value schema) {
    return {{"description", text},
            {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

json::object json_request(json::value schema) {
    return {{"required", true},
            {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

json::array bearer() { return {json::object{{"bearer", json::array{}}}}; }

json::object query_param(const char* name, const char* text, json::value schema) {
    return {{"name", name}, {"in", "query"}, {"description", text}, {"schema", std::move(schema)}};
}

json::array page_params() {
    return {query_param("limit",
                        "Page size, 1 to 200; a page also ends once its items pass 1 MiB (the "
                        "cursor carries on).",
                        {{"type", "integer"},
                         {"minimum", 1},
                         {"maximum", kMaxPage},
                         {"default", kDefaultPage}}),
            query_param("cursor", "next_cursor of the previous page.", {{"type", "string"}})};
}

json::array socket_token_params() {
    return {query_param("token",
                        "The session token, for clients that cannot set headers on a WebSocket.",
                        {{"type", "string"}})};
}

json::object socket_responses() {
    return {{"101", described("Switching to the WebSocket protocol")},
            {"400", described("Not a WebSocket upgrade request")},
            {"401", described("No valid token")}};
}

json::object path_param(const char* name, const char* text) {
    return {{"name", name},
            {"in", "path"},
            {"required", true},
            {"description", text},
            {"schema", {{"type", "string"}}}};
}

json::value memory_schema() {
    json::value time{{"type", "string"}, {"format", "date-time"}};
    return {{"type", "object"},
            {"required",
             json::array{"id", "title", "body", "tags", "created_at", "updated_at", "version"}},
            {"properties",
             {{"id", {{"type", "string"}}},
              {"title", {{"type", "string"}, {"maxLength", kMaxTitleChars}}},
              {"body", {{"type", "string"}, {"description", "At most 64 KiB of UTF-8."}}},
              {"tags",
               {{"type", "array"},
                {"maxItems", kMaxTags},
                {"items", {{"type", "string"}, {"minLength", 1}, {"maxLength", kMaxTagChars}}}}},
              {"created_at", time},
              {"updated_at", time},
              {"version",
               {{"type", "integer"},
                {"minimum", 1},
                {"description", "1 at creation, one more at every change; the ETag."}}}}}};
}

}  // namespace mindme::app::doc
