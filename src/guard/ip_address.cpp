#include "guard/ip_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>

namespace mindme::guard {
namespace {

constexpr int kV4Offset = 96;  // bits before the IPv4 part of a mapped address

}  // namespace

bool IpAddress::is_v4() const {
    for (int i = 0; i < 10; ++i)
        if (bytes[static_cast<std::size_t>(i)] != 0) return false;
    return bytes[10] == 0xff && bytes[11] == 0xff;
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    if (is_v4())
        inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
    else
        inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
    return buf;
}

IpAddress IpAddress::masked(int bits) const {
    if (is_v4()) bits += kV4Offset;
    IpAddress out = *this;
    for (int i = 0; i < 16; ++i) {
        int keep = bits - i * 8;
        auto& b = out.bytes[static_cast<std::size_t>(i)];
        if (keep <= 0)
            b = 0;
        else if (keep < 8)
            b = static_cast<std::uint8_t>(b & (0xff << (8 - keep)));
    }
    return out;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    // Accept "[::1]" as sent in some X-Forwarded-For values.
    if (text.size() > 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    std::string s(text);
    IpAddress a;
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data() + 12) == 1) {
        a.bytes[10] = a.bytes[11] = 0xff;
        return a;
    }
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
    return std::nullopt;
}

bool CidrBlock::contains(const IpAddress& a) const {
    IpAddress m = a;
    for (int i = 0; i < 16; ++i) {
        int keep = bits - i * 8;
        auto& b = m.bytes[static_cast<std::size_t>(i)];
        if (keep <= 0)
            b = 0;
        else if (keep < 8)
            b = static_cast<std::uint8_t>(b & (0xff << (8 - keep)));
    }
    return m == base;
}

std::optional<CidrBlock> CidrBlock::parse(std::string_view text) {
    auto slash = text.find('/');
    auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) return std::nullopt;
    int max_bits = address->is_v4() ? 32 : 128;
    int bits = max_bits;
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
        if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty() || bits < 0 ||
            bits > max_bits)
            return std::nullopt;
    }
    CidrBlock block;
    block.base = address->masked(bits);
    block.bits = address->is_v4() ? bits + kV4Offset : bits;
    return block;
}

CidrSet::CidrSet(const std::vector<std::string>& entries) {
    for (const auto& e : entries) {
        auto block = CidrBlock::parse(e);
        if (!block) throw std::invalid_argument("not an IP address or CIDR block: '" + e + "'");
        blocks_.push_back(*block);
    }
}

bool CidrSet::contains(const IpAddress& a) const {
    for (const auto& b : blocks_)
        if (b.contains(a)) return true;
    return false;
}

}  // namespace mindme::guard
