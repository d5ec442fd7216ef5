#include "http/router.hpp"

#include <algorithm>
#include <array>

namespace mindme::http {
namespace {

// Segments of a path without allocating; paths deeper than kMaxSegments match no route.
constexpr std::size_t kMaxSegments = 16;
struct Segments {
    std::array<std::string_view, kMaxSegments> items;
    std::size_t size = 0;
    bool too_deep = false;
};

Segments split_path(std::string_view path) {
    Segments out;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        if (out.size == kMaxSegments) {
            out.too_deep = true;
            break;
        }
        out.items[out.size++] = path.substr(0, slash);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

const RouteInfo& unmatched_route() {
    static const RouteInfo kInfo{"", "", "unmatched"};
    return kInfo;
}

const RouteInfo& fallback_route() {
    static const RouteInfo kInfo{"GET", "/{path}", "static"};
    return kInfo;
}

void Router::add(std::string method, std::string pattern, Handler handler,
                 std::string openapi_operation) {
    auto route = std::make_unique<Route>();
    auto parts = split_path(pattern);
    for (std::size_t i = 0; i < parts.size; ++i) route->segments.emplace_back(parts.items[i]);
    route->info = RouteInfo{std::move(method), pattern, pattern};
    route->handler = std::move(handler);
    route->openapi_operation = std::move(openapi_operation);
    routes_.push_back(std::move(route));
}

void Router::set_fallback(Handler handler, std::vector<std::string> reserved_prefixes) {
    fallback_ = std::move(handler);
    reserved_prefixes_ = std::move(reserved_prefixes);
}

boost::asio::awaitable<Response> Router::dispatch(Request& req) const {
    Response answer;
    if (const Handler* handler = route(req, answer)) co_return co_await (*handler)(req);
    co_return answer;
}

const Handler* Router::route(Request& req, Response& answer) const {
    auto segments = split_path(req.path);
    std::string_view method = req.method;
    std::string_view lookup_method = method == "HEAD" ? "GET" : method;
    std::vector<std::string> allowed;
    for (const auto& route : routes_) {
        if (segments.too_deep || route->segments.size() != segments.size) continue;
        std::vector<std::pair<std::string, std::string>> params;
        bool match = true;
        for (std::size_t i = 0; i < segments.size && match; ++i) {
            const auto& want = route->segments[i];
            if (is_param(want)) {
                auto decoded = percent_decode(segments.items[i], false);
                if (!decoded)
                    throw core::ApiError(core::ErrorCode::kBadRequest,
                                         "malformed percent-encoding in the path");
                if (decoded->empty())
                    match = false;
                else
                    params.emplace_back(want.substr(1, want.size() - 2), std::move(*decoded));
            } else {
                match = want == segments.items[i];
            }
        }
        if (!match) continue;
        if (route->info.method != lookup_method) {
            allowed.push_back(route->info.method);
            continue;
        }
        req.route = &route->info;
        req.params = std::move(params);
        return &route->handler;
    }
    if (!allowed.empty()) {
        if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end())
            allowed.emplace_back("HEAD");
        std::string allow;
        for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
        req.route = &unmatched_route();
        answer = Response::error(core::ErrorCode::kMethodNotAllowed,
                                 "method " + std::string(method) + " is not allowed here");
        answer.set_header("Allow", allow);
        return nullptr;
    }
    bool reserved = std::any_of(
        reserved_prefixes_.begin(), reserved_prefixes_.end(), [&](const std::string& p) {
            return p.ends_with('/') ? req.path.starts_with(p) : req.path == p;
        });
    if (fallback_ && !reserved) {
        req.route = &fallback_route();
        return &fallback_;
    }
    req.route = &unmatched_route();
    answer = Response::error(core::ErrorCode::kNotFound, "no such resource");
    return nullptr;
}

}  // namespace mindme::http
