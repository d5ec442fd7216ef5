#include "scale/keda.hpp"

#include <algorithm>

namespace mindme::scale {

namespace {

HpaSpec hpa_of(const KedaSpec& k) {
    HpaSpec h;
    h.min_replicas = std::max(1, k.min_replicas);  // the HPA never goes below one
    h.max_replicas = std::max(h.min_replicas, k.max_replicas);
    h.behavior = k.behavior;
    return h;
}

}  // namespace

KedaScaler::KedaScaler(KedaSpec spec) : spec_(spec), hpa_(hpa_of(spec)) {}

int KedaScaler::poll(std::int64_t now, int current, double metric) {
    bool active = metric > spec_.activation_value;
    if (!created_) created_ = now;
    if (active) last_active_ = now;
    if (current == 0) {
        // 0 → 1 is KEDA's: on activation (or a minimum above zero); the HPA takes over
        // from there.
        return active || spec_.min_replicas > 0 ? std::max(1, spec_.min_replicas) : 0;
    }
    if (!active && spec_.min_replicas == 0) {
        // 1 → 0 is KEDA's too: once inactive for the whole cooldown period since the
        // last active poll; never active, once the initial cooldown since creation.
        bool cooled = last_active_ ? now - *last_active_ >= spec_.cooldown_seconds
                                   : now - *created_ >= spec_.initial_cooldown_seconds;
        if (cooled) return 0;
    }
    // An External metric with an AverageValue target: the HPA sees metric / current per
    // pod against `value`, so its proposal is ceil(metric / value) within the tolerance.
    // In milli-units, the precision of Kubernetes quantities.
    HpaMetric m;
    m.ready_values.assign(static_cast<std::size_t>(current), 1000.0 * metric / current);
    m.target = 1000.0 * spec_.value;
    return hpa_.reconcile(now, current, {m});
}

}  // namespace mindme::scale
