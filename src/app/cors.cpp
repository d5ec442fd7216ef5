#include "app/cors.hpp"

#include <algorithm>

namespace mindme::app {
namespace {

constexpr const char* kMethods = "GET, HEAD, POST, PUT, DELETE";
constexpr const char* kRequestHeaders =
    "Authorization, Content-Type, If-Match, If-None-Match, Range, X-Request-Id, "
    "X-Request-Timeout-Ms";
constexpr const char* kExposedHeaders =
    "ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "X-Request-Id, Content-Range, Content-Disposition";
constexpr const char* kPreflightMaxAge = "600";

}  // namespace

bool Cors::allowed(const http::Request& req, std::string& origin) const {
    auto given = req.header("Origin");
    if (!given || origins_.empty()) return false;
    origin = std::string(*given);
    return std::any_of(origins_.begin(), origins_.end(),
                       [&](const std::string& o) { return o == "*" || o == origin; });
}

std::optional<http::Response> Cors::preflight(const http::Request& req) const {
    std::string origin;
    if (req.method != "OPTIONS" || !req.header("Access-Control-Request-Method") ||
        !allowed(req, origin))
        return std::nullopt;
    auto r = http::Response::empty(204);
    r.set_header("Access-Control-Allow-Origin", origin);
    r.set_header("Access-Control-Allow-Methods", kMethods);
    r.set_header("Access-Control-Allow-Headers", kRequestHeaders);
    r.set_header("Access-Control-Max-Age", kPreflightMaxAge);
    r.set_header("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    return r;
}

void Cors::decorate(const http::Request& req, http::Response& res) const {
    if (origins_.empty()) return;
    res.set_header("Vary", "Origin");
    std::string origin;
    if (!allowed(req, origin)) return;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Access-Control-Expose-Headers", kExposedHeaders);
}

}  // namespace mindme::app
