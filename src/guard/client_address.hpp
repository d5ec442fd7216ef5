#pragma once
// Which address a request comes from. X-Forwarded-For is believed only when the
// peer is a trusted proxy; then the rightmost untrusted hop is the client, since
// everything left of it could have been written by the client itself.
#include <string>
#include <string_view>
#include <vector>

#include "guard/ip_address.hpp"

namespace mindme::guard {

// `forwarded_for` holds every X-Forwarded-For header value in arrival order.
std::string resolve_client_address(std::string_view peer,
                                   const std::vector<std::string_view>& forwarded_for,
                                   const CidrSet& trusted_proxies);

}  // namespace mindme::guard
