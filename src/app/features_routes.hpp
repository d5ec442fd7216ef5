#pragma once
// GET /v1/features: which optional features this server has on, so that the apps hide
// what it does not offer. Only public facts: no key, token or secret is ever in it.
#include "core/config_fwd.hpp"
#include "http/router.hpp"

namespace mindme::app {

void add_features_route(http::Router& router, const core::Config& config);

}  // namespace mindme::app
