#include "guard/client_address.hpp"

#include "core/text.hpp"

namespace mindme::guard {
std::string resolve_client_address(std::string_view peer,
                                   const std::vector<std::string_view>& forwarded_for,
                                   const CidrSet& trusted_proxies) {
    auto peer_address = IpAddress::parse(peer);
    if (!peer_address) return std::string(peer);
    if (trusted_proxies.empty() || !trusted_proxies.contains(*peer_address))
        return peer_address->to_string();

    std::vector<std::string_view> hops;
    for (auto value : forwarded_for)
        for (auto hop : core::split_list(value)) hops.push_back(hop);
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
