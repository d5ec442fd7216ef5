#pragma once
// Overload protection: at most `max_in_flight` requests are admitted at once (from
// routing until the response is written); past that a request is refused at once
// with 503 instead of queueing without bound.
#include <atomic>
#include <cstdint>
#include <memory>

namespace mindme::guard {

class AdmissionGate {
public:
    explicit AdmissionGate(std::int64_t max_in_flight) : max_(max_in_flight) {}

    // A held slot, released when the last copy is destroyed; null when full.
    std::shared_ptr<void> try_enter();
    std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

private:
    std::int64_t max_;
    std::atomic<std::int64_t> in_flight_{0};
};

}  // namespace mindme::guard
