#include "upstream/target.hpp"

#include <boost/url/parse.hpp>

#include "upstream/http_client.hpp"

namespace mindme::upstream {

Target parse_target(std::string_view url) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) throw UpstreamError(UpstreamError::Kind::kBadUrl, "not an absolute URL");
    auto scheme = parsed->scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
        throw UpstreamError(UpstreamError::Kind::kBadUrl, "only http and https URLs are supported");
    Target t;
    t.tls = scheme == boost::urls::scheme::https;
    t.host = parsed->host();
    if (parsed->host_type() == boost::urls::host_type::ipv6) t.host = parsed->host_address();
    if (t.host.empty()) throw UpstreamError(UpstreamError::Kind::kBadUrl, "the URL has no host");
    if (parsed->has_userinfo())
        throw UpstreamError(UpstreamError::Kind::kBadUrl, "credentials in the URL are not sent");
    t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
    auto authority = std::string(parsed->encoded_host());
    bool default_port = t.port == (t.tls ? "443" : "80");
    t.host_header = default_port ? authority : authority + ":" + t.port;
    t.origin = std::string(t.tls ? "https://" : "http://") + authority + ":" + t.port;
    t.request = std::string(parsed->encoded_path());
    if (t.request.empty()) t.request = "/";
    if (parsed->has_query()) t.request += "?" + std::string(parsed->encoded_query());
    return t;
}

}  // namespace mindme::upstream
