#include "guard/client_address.hpp"

namespace mindme::guard {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string resolve_client_address(std::string_view peer,
                                   const std::vector<std::string_view>& forwarded_for,
                                   const CidrSet& trusted_proxies) {
    auto peer_address = IpAddress::parse(peer);
    if (!peer_address) return std::string(peer);
    if (trusted_proxies.empty() || !trusted_proxies.contains(*peer_address))
        return peer_address->to_string();

    std::vector<std::string_view> hops;
    for (auto value : forwarded_for) {
        while (!value.empty()) {
            auto comma = value.find(',');
            hops.push_back(trim(value.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            value.remove_prefix(comma + 1);
        }
    }
    IpAddress client = *peer_address;
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        auto hop = IpAddress::parse(*it);
        if (!hop) break;  // garbage: trust nothing further left
        client = *hop;
        if (!trusted_proxies.contains(*hop)) break;
    }
    return client.to_string();
}

}  // namespace mindme::guard
