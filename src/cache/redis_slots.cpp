#include "cache/redis_slots.hpp"

#include <algorithm>
#include <charconv>

namespace mindme::cache {

std::uint16_t redis_crc16(std::string_view bytes) {
    // CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection.
    std::uint16_t crc = 0;
    for (unsigned char byte : bytes) {
        crc ^= static_cast<std::uint16_t>(byte << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

std::uint16_t redis_key_slot(std::string_view key) {
    auto open = key.find('{');
    if (open != std::string_view::npos) {
        auto close = key.find('}', open + 1);
        if (close != std::string_view::npos && close > open + 1)
            key = key.substr(open + 1, close - open - 1);
    }
    return static_cast<std::uint16_t>(redis_crc16(key) % kRedisSlots);
}

std::optional<RedisAddress> parse_redis_address(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    int port = 0;
    auto digits = text.substr(colon + 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (error != std::errc() || end != digits.data() + digits.size() || port < 1 || port > 65535)
        return std::nullopt;
    return RedisAddress{std::string(text.substr(0, colon)), port};
}

void SlotMap::assign(std::size_t first, std::size_t last, const RedisAddress& master) {
    if (first > last || last >= kRedisSlots) return;
    auto it = std::find(masters_.begin(), masters_.end(), master);
    auto index = static_cast<std::uint16_t>(it - masters_.begin());
    if (it == masters_.end()) masters_.push_back(master);
    std::fill(owner_.begin() + static_cast<std::ptrdiff_t>(first),
              owner_.begin() + static_cast<std::ptrdiff_t>(last) + 1, index);
}

std::optional<RedisAddress> SlotMap::master_of(std::uint16_t slot) const {
    if (slot >= kRedisSlots || owner_[slot] == kNone) return std::nullopt;
    return masters_[owner_[slot]];
}

}  // namespace mindme::cache
