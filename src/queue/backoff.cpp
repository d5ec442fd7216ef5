#include <algorithm>
#include <cmath>

#include "queue/queue.hpp"

namespace mindme::queue {

std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempts, double unit_random) {
    double exponential =
        static_cast<double>(policy.base.count()) * std::ldexp(1.0, std::max(0, attempts - 1));
    double ceiling = std::min(exponential, static_cast<double>(policy.cap.count()));
    double wait = ceiling / 2 + ceiling / 2 * std::clamp(unit_random, 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<std::int64_t>(wait));
}

}  // namespace mindme::queue
