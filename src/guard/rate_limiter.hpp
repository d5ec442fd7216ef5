#pragma once
// Per-key sliding-window rate limit in fixed memory.
//
// The window is the classic sliding-window counter: the count of the current fixed
// window plus the previous window's count weighted by how much of it still overlaps
// the sliding window. Counts live in two count-min sketches (one per fixed window)
// instead of a table per key, so memory is the same for ten clients or ten million
// addresses, and no flood of new addresses can evict a heavy client's count. A
// sketch may only over-count: with width w, an estimate exceeds the truth by at most
// e/w of all requests in the window (with probability 1 - e^-depth); at the default
// w = 2^17 that is about 8 requests for 375,000 requests per window.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mindme::guard {

class RateLimiter {
public:
    struct Options {
        std::uint64_t limit = 10'000;  // requests per window; 0 disables
        std::chrono::seconds window{300};
        std::size_t width = std::size_t{1} << 17;  // counters per row, a power of two
    };

    struct Decision {
        bool allowed = true;
        std::uint64_t limit = 0;
        std::uint64_t remaining = 0;
        std::int64_t reset_seconds = 0;        // until budget returns (end of the fixed window)
        std::int64_t retry_after_seconds = 0;  // set when not allowed
    };

    using TimePoint = std::chrono::steady_clock::time_point;

    explicit RateLimiter(Options options);
    // Counts one request for `key` at `now` if it is within the limit.
    Decision hit(std::string_view key, TimePoint now);
    bool enabled() const { return options_.limit > 0; }
    std::size_t memory_bytes() const;

private:
    static constexpr std::size_t kDepth = 4;
    struct Sketch {
        std::int64_t epoch = -1;
        std::vector<std::uint32_t> counts;  // kDepth rows of width
    };
    using Cells = std::array<std::size_t, kDepth>;

    Cells cells(std::string_view key) const;
    std::uint32_t estimate(const Sketch& s, const Cells& c) const;
    Sketch& sketch_for(std::int64_t epoch);

    Options options_;
    std::array<unsigned char, 16> hash_key_{};  // random per process: collisions can't be aimed
    // A spin lock: the critical section is a few dozen instructions, shorter than a
    // mutex's own bookkeeping.
    std::atomic_flag busy_ = ATOMIC_FLAG_INIT;
    std::array<Sketch, 2> sketches_;
};

}  // namespace mindme::guard
