#include "guard/admission.hpp"

namespace mindme::guard {

std::shared_ptr<void> AdmissionGate::try_enter() {
    if (in_flight_.fetch_add(1, std::memory_order_acq_rel) >= max_) {
        in_flight_.fetch_sub(1, std::memory_order_acq_rel);
        return nullptr;
    }
    // An aliasing shared_ptr with a releasing deleter: no allocation of our own
    // beyond the control block.
    return std::shared_ptr<void>(this, [](AdmissionGate* gate) {
        gate->in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    });
}

}  // namespace mindme::guard
