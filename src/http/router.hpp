#pragma once
// Maps method + path to a handler. Patterns are literal segments and `{name}`
// parameters ("/v1/memories/{id}"); parameters are percent-decoded. HEAD is served
// by GET routes. A path that matches no route goes to the fallback (static files)
// unless it lies under a reserved API prefix, where it is a JSON 404.
#include <memory>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace mindme::http {

class Router {
public:
    struct Route {
        RouteInfo info;
        std::vector<std::string> segments;  // "{name}" marks a parameter
        Handler handler;
        std::string openapi_operation;  // JSON text of the OpenAPI operation object
    };

    void add(std::string method, std::string pattern, Handler handler,
             std::string openapi_operation = {});
    // `reserved`: paths never given to the fallback; an entry ending in '/' is a prefix.
    void set_fallback(Handler handler, std::vector<std::string> reserved);

    // Routes the request (setting req.route and req.params) and runs its handler.
    boost::asio::awaitable<Response> dispatch(Request& req) const;
    // The routing half of dispatch: the handler to run, or nullptr with the answer
    // (404, 405) in `answer`. Lets a caller run the handler in its own coroutine.
    const Handler* route(Request& req, Response& answer) const;

    const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

private:
    std::vector<std::unique_ptr<Route>> routes_;
    Handler fallback_;
    std::vector<std::string> reserved_prefixes_;
};

// Labels for requests that no registered route matched.
const RouteInfo& unmatched_route();
const RouteInfo& fallback_route();

}  // namespace mindme::http
