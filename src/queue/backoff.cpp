#include <algorithm>
#include <cmath>
#include <random>

#include "queue/queue.hpp"

namespace mindme::queue {

std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempts, double unit_random) {
    double exponential =
        static_cast<double>(policy.base.count()) * std::ldexp(1.0, std::max(0, attempts - 1));
    double ceiling = std::min(exponential, static_cast<double>(policy.cap.count()));
    double wait = ceiling / 2 + ceiling / 2 * std::clamp(unit_random, 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<std::int64_t>(wait));
}

std::chrono::milliseconds retry_wait(const RetryPolicy& policy, int attempts, RetryHint hint) {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    auto wait = backoff(policy, attempts, std::uniform_real_distribution<double>(0.0, 1.0)(engine));
    return std::max(wait, hint.not_before);
}

}  // namespace mindme::queue
