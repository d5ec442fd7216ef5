#include "guard/rate_limiter.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mindme::guard {

RateLimiter::RateLimiter(Options options) : options_(options) {
    if (options_.width == 0 || (options_.width & (options_.width - 1)) != 0)
        throw std::invalid_argument("rate limiter width must be a power of two");
    if (options_.window.count() <= 0) throw std::invalid_argument("rate limit window must be > 0");
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    randombytes_buf(hash_key_.data(), hash_key_.size());
    if (!enabled()) return;
    for (auto& s : sketches_) s.counts.assign(kDepth * options_.width, 0);
}

std::size_t RateLimiter::memory_bytes() const {
    std::size_t total = sizeof(*this);
    for (const auto& s : sketches_) total += s.counts.capacity() * sizeof(std::uint32_t);
    return total;
}

RateLimiter::Cells RateLimiter::cells(std::string_view key) const {
    // SipHash keyed with a process secret; two halves give kDepth row hashes
    // (Kirsch-Mitzenmacher double hashing).
    std::uint64_t h = 0;
    crypto_shorthash(reinterpret_cast<unsigned char*>(&h),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     hash_key_.data());
    auto h1 = static_cast<std::uint32_t>(h);
    auto h2 = static_cast<std::uint32_t>(h >> 32) | 1u;
    Cells c{};
    for (std::size_t row = 0; row < kDepth; ++row)
        c[row] = row * options_.width + ((h1 + row * h2) & (options_.width - 1));
    return c;
}

std::uint32_t RateLimiter::estimate(const Sketch& s, const Cells& c) const {
    std::uint32_t best = UINT32_MAX;
    for (auto i : c) best = std::min(best, s.counts[i]);
    return best;
}

RateLimiter::Sketch& RateLimiter::sketch_for(std::int64_t epoch) {
    auto& s = sketches_[static_cast<std::size_t>(epoch & 1)];
    if (s.epoch != epoch) {
        std::fill(s.counts.begin(), s.counts.end(), 0u);
        s.epoch = epoch;
    }
    return s;
}

RateLimiter::Decision RateLimiter::hit(std::string_view key, TimePoint now) {
    Decision d;
    d.limit = options_.limit;
    if (!enabled()) return d;

    const double window = static_cast<double>(
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.window).count());
    const double t = static_cast<double>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
    const auto epoch = static_cast<std::int64_t>(std::floor(t / window));
    const double elapsed = (t - static_cast<double>(epoch) * window) / window;  // [0, 1)
    const auto c = cells(key);
    const double limit = static_cast<double>(options_.limit);

    while (busy_.test_and_set(std::memory_order_acquire))
        busy_.wait(true, std::memory_order_relaxed);
    struct Unlock {
        std::atomic_flag& flag;
        ~Unlock() {
            flag.clear(std::memory_order_release);
            flag.notify_one();
        }
    } unlock{busy_};
    auto& current = sketch_for(epoch);
    const auto& other = sketches_[static_cast<std::size_t>((epoch - 1) & 1)];
    const double previous = other.epoch == epoch - 1 ? estimate(other, c) : 0.0;
    const double mine = estimate(current, c);
    const double used = previous * (1.0 - elapsed) + mine;

    // The tolerance keeps float rounding (0.9 * 10 = 9.000000000000002) from
    // refusing a request that exactly fits.
    constexpr double kTolerance = 1e-9;
    if (used + 1 <= limit + kTolerance) {
        // Conservative update: raise only the rows that hold the minimum.
        auto next = static_cast<std::uint32_t>(mine) + 1;
        for (auto i : c) current.counts[i] = std::max(current.counts[i], next);
        double after = used + 1;
        d.remaining = static_cast<std::uint64_t>(std::max(0.0, limit - std::ceil(after)));
        // The budget starts to come back when this fixed window ends.
        d.reset_seconds = static_cast<std::int64_t>(std::ceil((1.0 - elapsed) * window / 1000.0));
        return d;
    }

    // Earliest time at which one more request fits, assuming no further ones count.
    double wait_fraction;  // of a window, from now
    const double room = limit - 1;
    if (mine <= room && previous > 0 && 1.0 - (room - mine) / previous < 1.0) {
        wait_fraction = std::max(0.0, 1.0 - (room - mine) / previous - elapsed);
    } else {
        double into_next = mine > 0 ? std::max(0.0, 1.0 - room / mine) : 0.0;
        wait_fraction = (1.0 - elapsed) + into_next;
    }
    d.allowed = false;
    d.remaining = 0;
    d.retry_after_seconds = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::ceil(wait_fraction * window / 1000.0 - kTolerance)));
    d.reset_seconds = d.retry_after_seconds;
    return d;
}

}  // namespace mindme::guard
