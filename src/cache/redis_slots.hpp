#pragma once
// Redis Cluster's key space: 16384 hash slots, each served by one master. A key's slot
// is CRC16 (XMODEM) of the key, or of its hash tag — the part between the first `{`
// and the next `}` when that part is not empty — modulo 16384.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mindme::cache {

inline constexpr std::size_t kRedisSlots = 16384;

std::uint16_t redis_crc16(std::string_view bytes);
std::uint16_t redis_key_slot(std::string_view key);

struct RedisAddress {
    std::string host;
    int port = 6379;
    bool operator==(const RedisAddress&) const = default;
    std::string text() const { return host + ":" + std::to_string(port); }
};
// "host:port" (the form of MOVED and ASK replies; an IPv6 host keeps its colons).
std::optional<RedisAddress> parse_redis_address(std::string_view text);

// Which master serves each slot, as far as this client knows.
class SlotMap {
public:
    void assign(std::size_t first, std::size_t last, const RedisAddress& master);
    // nullopt for a slot no master was assigned.
    std::optional<RedisAddress> master_of(std::uint16_t slot) const;
    const std::vector<RedisAddress>& masters() const { return masters_; }
    bool empty() const { return masters_.empty(); }

private:
    static constexpr std::uint16_t kNone = 0xffff;
    std::vector<RedisAddress> masters_;  // every address assigned a slot once
    std::array<std::uint16_t, kRedisSlots> owner_{filled()};
    static constexpr std::array<std::uint16_t, kRedisSlots> filled() {
        std::array<std::uint16_t, kRedisSlots> a{};
        a.fill(kNone);
        return a;
    }
};

}  // namespace mindme::cache
