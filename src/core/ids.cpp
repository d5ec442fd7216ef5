#include "core/ids.hpp"

#include <sys/random.h>

#include <cstdint>
#include <random>

namespace mindme::core {
namespace {

std::uint64_t seed_from_kernel() {
    std::uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, 0) != static_cast<ssize_t>(sizeof seed))
        seed = std::random_device{}();
    return seed;
}

}  // namespace

std::string random_id(std::size_t bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // SplitMix64: fast and well distributed; ids need uniqueness, not secrecy.
    thread_local std::uint64_t state = seed_from_kernel();
    auto generator = [] {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    };
    std::string out;
    std::uint64_t pool = 0;
    int pool_bits = 0;
    for (std::size_t produced_bits = 0; produced_bits < bytes * 8; produced_bits += 6) {
        if (pool_bits < 6) {
            pool = generator();
            pool_bits = 64;
        }
        out += kAlphabet[pool & 63];
        pool >>= 6;
        pool_bits -= 6;
    }
    return out;
}

std::string random_uuid() {
    unsigned char b[16];
    std::size_t got = 0;
    while (got < sizeof b) {
        auto n = getrandom(b + got, sizeof b - got, 0);
        if (n > 0) got += static_cast<std::size_t>(n);
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // the RFC 4122 variant
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < sizeof b; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += kHex[b[i] >> 4];
        out += kHex[b[i] & 15];
    }
    return out;
}

}  // namespace mindme::core
