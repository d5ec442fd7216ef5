#pragma once
// Where an outbound request goes: its origin (the pool key) and the request target.
#include <string>
#include <string_view>

namespace mindme::upstream {

struct Target {
    bool tls = false;     // https
    std::string host;     // as in the URL (brackets of an IPv6 literal removed)
    std::string port;     // given or the scheme's
    std::string origin;   // scheme://host:port
    std::string request;  // path?query, "/" at least
    std::string host_header;
};

// Throws UpstreamError(kBadUrl) for anything but an absolute http(s) URL with a host.
Target parse_target(std::string_view url);

}  // namespace mindme::upstream
