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
    thread_local std::mt19937_64 generator(seed_from_kernel());
    std::string out;
    out.reserve(bytes * 4 / 3 + 2);
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
