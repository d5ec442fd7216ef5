#pragma once
// Cross-origin requests from the web app's origins (http.cors_origins), as the Fetch
// standard's CORS protocol has them: a preflight (OPTIONS with
// Access-Control-Request-Method) from an allowed origin is answered 204 with the methods
// and headers the API takes; an actual request from one gets Access-Control-Allow-Origin
// and the response headers a client may read. Credentials are bearer tokens, never
// cookies, so no Allow-Credentials. Other origins get no CORS headers at all: the
// browser then withholds the answer.
#include <optional>
#include <string>
#include <vector>

#include "core/config_fwd.hpp"
#include "http/message.hpp"

namespace mindme::app {

class Cors {
public:
    explicit Cors(std::vector<std::string> origins) : origins_(std::move(origins)) {}

    // The answer to a preflight from an allowed origin; nullopt for anything else.
    std::optional<http::Response> preflight(const http::Request& req) const;
    // Adds the headers of an allowed origin's actual request.
    void decorate(const http::Request& req, http::Response& res) const;

private:
    bool allowed(const http::Request& req, std::string& origin) const;
    std::vector<std::string> origins_;  // exact origins, or "*"
};

}  // namespace mindme::app
