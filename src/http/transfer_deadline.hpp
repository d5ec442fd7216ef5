#pragma once
// How long the next read of a request body or write of a response may wait. Two rules
// together, so that neither a stall nor a trickle holds a connection: each wait is at
// most `timeout` (nginx's client_body_timeout / send_timeout), and the whole transfer
// must keep an average of `min_rate` bytes a second after a first `timeout` of grace
// (Apache mod_reqtimeout's MinRate). A trickle of one byte every few seconds passes the
// first rule forever; the second cuts it at `timeout` plus what its bytes earned.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace mindme::http {

struct TransferDeadline {
    std::chrono::steady_clock::time_point start;
    std::chrono::milliseconds timeout;
    std::uint64_t min_rate = 0;  // bytes a second; 0: no rate rule

    // The longest the next wait may take once `done` bytes have moved (0: none left).
    std::chrono::milliseconds next_wait(std::uint64_t done,
                                        std::chrono::steady_clock::time_point now) const {
        using std::chrono::milliseconds;
        if (min_rate == 0) return timeout;
        // done * 1000 / min_rate, capped at a year: far past any timeout, and small enough
        // that time points (counted in nanoseconds) cannot overflow adding it.
        constexpr std::uint64_t kYearMs = 365ull * 24 * 3600 * 1000;
        auto seconds = done / min_rate;
        auto earned_ms = seconds >= kYearMs / 1000
                             ? kYearMs
                             : seconds * 1000 + done % min_rate * 1000 / min_rate;
        auto earned = milliseconds(static_cast<std::int64_t>(std::min(earned_ms, kYearMs)));
        auto left = std::chrono::duration_cast<milliseconds>(start + timeout + earned - now);
        return std::clamp(left, milliseconds(0), timeout);
    }
};

}  // namespace mindme::http
