#pragma once
// Operations endpoints: /health, /metrics, /openapi.json, and /v1/ping (the
// smallest JSON route, for benchmarks and client connectivity checks).
#include <memory>
#include <string>

#include "app/health.hpp"
#include "core/config_fwd.hpp"
#include "core/lifecycle.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"

namespace mindme::app {

void declare_ops_config(core::ConfigSchema& schema);

// `metrics_token`: when not empty, /metrics answers only `Authorization: Bearer <it>`.
void add_ops_routes(http::Router& router, const HealthChecks& health,
                    const core::Lifecycle& lifecycle, metrics::Registry& registry,
                    std::string metrics_token);

// Registers GET /openapi.json; call after every other route is added.
void add_openapi_route(http::Router& router, const std::string& version);

}  // namespace mindme::app
