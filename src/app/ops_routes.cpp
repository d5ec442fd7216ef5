#include "app/ops_routes.hpp"

#include "app/openapi.hpp"
#include "core/config.hpp"
#include "core/digest.hpp"

namespace mindme::app {

using http::Request;
using http::Response;

void declare_ops_config(core::ConfigSchema& schema) {
    schema.add_string("metrics.token", "",
                      "When set, GET /metrics requires `Authorization: Bearer <token>` (401 "
                      "without it): the metrics name routes, counts and queue depths. `mindme "
                      "fleet` sends it to its processes.");
    schema.add_list("http.cors_origins", {},
                    "Origins (scheme://host[:port]) whose browser pages may call the API: "
                    "preflights are answered and responses carry Access-Control-Allow-Origin. "
                    "\"*\" allows any origin. Empty: no CORS headers.");
}

void add_ops_routes(http::Router& router, const HealthChecks& health,
                    const core::Lifecycle& lifecycle, metrics::Registry& registry,
                    std::string metrics_token) {
    router.add(
        "GET", "/health",
        [&health, &lifecycle](Request&) -> boost::asio::awaitable<Response> {
            auto report = co_await health.run(lifecycle);
            auto r = Response::json(report.healthy ? 200 : 503, std::move(report.json));
            r.set_header("Cache-Control", "no-store");
            if (!report.healthy) r.set_header("Retry-After", "5");
            co_return r;
        },
        R"({"summary":"Health of this process and its dependencies",
            "description":"503 while a required dependency is down or the process is draining. Not rate limited.",
            "tags":["operations"],
            "responses":{
              "200":{"description":"Healthy","content":{"application/json":{"schema":{"type":"object",
                "properties":{"status":{"type":"string","enum":["ok"]},"checks":{"type":"object","additionalProperties":{"type":"string"}}}}}}},
              "503":{"description":"Unhealthy or draining","content":{"application/json":{"schema":{"type":"object",
                "properties":{"status":{"type":"string","enum":["unavailable"]},"draining":{"type":"boolean"},"checks":{"type":"object","additionalProperties":{"type":"string"}}}}}}}}})");

    router.add(
        "GET", "/metrics",
        [&registry,
         token = std::move(metrics_token)](Request& req) -> boost::asio::awaitable<Response> {
            if (!token.empty() &&
                !core::same_secret(req.header("Authorization").value_or(""), "Bearer " + token))
                co_return Response::error(core::ErrorCode::kUnauthorized,
                                          "the metrics need their token (metrics.token)");
            Response r;
            r.body = registry.render();
            r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            r.set_header("Cache-Control", "no-store");
            co_return r;
        },
        R"({"summary":"Prometheus metrics","tags":["operations"],
            "description":"With metrics.token set, only with Authorization: Bearer <token>.",
            "responses":{"200":{"description":"Text exposition format 0.0.4",
              "content":{"text/plain":{"schema":{"type":"string"}}}},
              "401":{"description":"metrics.token is set and the request does not carry it"}}})");

    router.add(
        "GET", "/v1/ping",
        [](Request&) -> boost::asio::awaitable<Response> {
            co_return Response::json(200, R"({"pong":true})");
        },
        R"({"summary":"Connectivity check","description":"The smallest JSON answer; used by clients to test reachability and by benchmarks as the baseline.",
            "tags":["operations"],
            "responses":{"200":{"description":"Reachable","content":{"application/json":{"schema":{"type":"object",
              "properties":{"pong":{"type":"boolean"}}}}}}}})");
}

void add_openapi_route(http::Router& router, const std::string& version) {
    // Built once the table is complete, including this route itself.
    auto document = std::make_shared<std::string>();
    router.add(
        "GET", "/openapi.json",
        [document](Request&) -> boost::asio::awaitable<Response> {
            auto r = Response::json(200, *document);
            r.set_header("Cache-Control", "no-cache");
            co_return r;
        },
        R"({"summary":"This OpenAPI document","tags":["operations"],
            "responses":{"200":{"description":"OpenAPI 3 document","content":{"application/json":{"schema":{"type":"object"}}}}}})");
    *document = build_openapi(router, version);
}

}  // namespace mindme::app
