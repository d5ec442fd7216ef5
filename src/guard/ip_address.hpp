#pragma once
// IPv4/IPv6 addresses and CIDR blocks for the guard's rules, without Asio.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mindme::guard {

struct IpAddress {
    // IPv4 is stored as IPv4-mapped IPv6 (::ffff:a.b.c.d) so that both families
    // compare and mask the same way.
    std::array<std::uint8_t, 16> bytes{};
    bool is_v4() const;
    std::string to_string() const;
    // The first `bits` bits, the rest zeroed (bits counted in the family's own terms).
    IpAddress masked(int bits) const;
    bool operator==(const IpAddress&) const = default;

    static std::optional<IpAddress> parse(std::string_view text);
};

struct CidrBlock {
    IpAddress base;
    int bits = 128;  // in IPv6 terms
    bool contains(const IpAddress& a) const;
    // "10.0.0.0/8", "::1", "192.168.1.7"
    static std::optional<CidrBlock> parse(std::string_view text);
};

class CidrSet {
public:
    // Throws std::invalid_argument naming the entry that does not parse.
    explicit CidrSet(const std::vector<std::string>& entries);
    CidrSet() = default;
    bool contains(const IpAddress& a) const;
    bool empty() const { return blocks_.empty(); }

private:
    std::vector<CidrBlock> blocks_;
};

}  // namespace mindme::guard
