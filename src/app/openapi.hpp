#pragma once
// The OpenAPI 3 document, assembled from the operation object each route declared
// when it was registered, so the document grows with the API.
#include <string>

#include "http/router.hpp"

namespace mindme::app {

std::string build_openapi(const http::Router& router, const std::string& version);

}  // namespace mindme::app
