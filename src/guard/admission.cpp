#include "guard/admission.hpp"

namespace mindme::guard {

namespace {
void release(AdmissionGate* gate);
}

AdmissionGate::Slot AdmissionGate::try_enter() {
    if (in_flight_.fetch_add(1, std::memory_order_acq_rel) >= max_) {
        in_flight_.fetch_sub(1, std::memory_order_acq_rel);
        return Slot(nullptr, release);
    }
    return Slot(this, release);
}

void AdmissionGate::leave() { in_flight_.fetch_sub(1, std::memory_order_acq_rel); }

namespace {
void release(AdmissionGate* gate) { gate->leave(); }
}  // namespace

}  // namespace mindme::guard
