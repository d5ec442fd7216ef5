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

    // A held slot, released when destroyed; null when full. Allocates nothing.
    using Slot = std::unique_ptr<AdmissionGate, void (*)(AdmissionGate*)>;
    Slot try_enter();
    std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
    void leave();  // what a Slot does when destroyed

private:
    std::int64_t max_;
    std::atomic<std::int64_t> in_flight_{0};
};

}  // namespace mindme::guard
