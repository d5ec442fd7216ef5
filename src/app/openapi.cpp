#include "app/openapi.hpp"

#include <boost/json.hpp>
#include <stdexcept>

namespace mindme::app {
namespace json = boost::json;

namespace {

json::value error_response(const char* description) {
    return json::value{
        {"description", description},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

json::object components() {
    json::object c;
    c["schemas"] = json::object{
        {"Error",
         {{"type", "object"},
          {"required", json::array{"error"}},
          {"properties",
           {{"error",
             {{"type", "object"},
              {"required", json::array{"code", "message"}},
              {"properties",
               {{"code",
                 {{"type", "string"},
                  {"enum",
                   json::array{"bad_request", "unauthorized", "forbidden", "not_found",
                               "method_not_allowed", "request_timeout", "conflict", "gone",
                               "precondition_failed", "payload_too_large", "unsupported_media_type",
                               "range_not_satisfiable", "unprocessable", "rate_limited",
                               "header_too_large", "internal", "not_implemented", "unavailable",
                               "insufficient_storage"}}}},
                {"message", {{"type", "string"}}}}}}}}}}}};
    c["securitySchemes"] =
        json::object{{"bearer",
                      {{"type", "http"},
                       {"scheme", "bearer"},
                       {"description", "The token from POST /v1/accounts or /v1/sessions."}}}};
    c["responses"] = json::object{
        {"BadRequest", error_response("Malformed request (400).")},
        {"NotFound", error_response("No such resource (404).")},
        {"PayloadTooLarge", error_response("Body over the limit (413).")},
        {"RateLimited", error_response("Over the per-client rate limit (429); see Retry-After "
                                       "and RateLimit-* headers.")},
        {"HeaderTooLarge", error_response("Request head over the limit (431).")},
        {"Unavailable", error_response("Overloaded or draining (503); see Retry-After.")},
    };
    return c;
}

}  // namespace

std::string build_openapi(const http::Router& router, const std::string& version) {
    json::object paths;
    for (const auto& route : router.routes()) {
        json::value op;
        if (route->openapi_operation.empty()) {
            op = json::object{{"responses", {{"200", {{"description", "OK"}}}}}};
        } else {
            try {
                op = json::parse(route->openapi_operation);
            } catch (const std::exception& e) {
                throw std::logic_error("bad OpenAPI operation for " + route->info.pattern + ": " +
                                       e.what());
            }
        }
        auto& o = op.as_object();
        // Every API route shares the edge rules' answers.
        auto& responses = o["responses"].as_object();
        if (route->info.pattern != "/health") {
            responses.emplace("429", json::object{{"$ref", "#/components/responses/RateLimited"}});
            responses.emplace("503", json::object{{"$ref", "#/components/responses/Unavailable"}});
        }
        responses.emplace("400", json::object{{"$ref", "#/components/responses/BadRequest"}});
        responses.emplace("431", json::object{{"$ref", "#/components/responses/HeaderTooLarge"}});
        std::string method = route->info.method;
        for (auto& ch : method)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        auto& path_item = paths[route->info.pattern];
        if (path_item.is_null()) path_item = json::object{};
        path_item.as_object()[method] = std::move(op);
    }
    json::object doc{
        {"openapi", "3.0.3"},
        {"info",
         {{"title", "MindMe API"},
          {"version", version},
          {"description",
           "The MindMe backend's HTTP API. Every error has the shape "
           "{\"error\":{\"code\",\"message\"}}; every response carries X-Request-Id."}}},
        {"paths", std::move(paths)},
        {"components", components()},
    };
    return json::serialize(doc);
}

}  // namespace mindme::app
