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

}  // namespace mindme::core
