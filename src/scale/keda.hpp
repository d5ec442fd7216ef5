#pragma once
// KEDA's RabbitMQ trigger (docs/scaling.md, "KEDA RabbitMQ trigger"): the queue
// metric per replica becomes an External AverageValue target of an HPA; KEDA itself
// decides only between zero and one replica, by the activation value and the cooldown.
#include <cstdint>
#include <optional>

#include "scale/hpa.hpp"

namespace mindme::scale {

struct KedaSpec {
    enum class Mode { kQueueLength, kMessageRate };
    Mode mode = Mode::kQueueLength;
    double value = 20;                    // messages (or messages/s) per replica
    double activation_value = 0;          // active when the metric is above it
    int min_replicas = 0;                 // minReplicaCount; 0 allows scaling to zero
    int max_replicas = 100;               // maxReplicaCount
    std::int64_t cooldown_seconds = 300;  // cooldownPeriod: since last active, before 0
    // initialCooldownPeriod: a trigger never active yet has no last-active time, which
    // KEDA takes as long ago — it scales to zero once this much has passed since the
    // ScaledObject's creation (its first poll here).
    std::int64_t initial_cooldown_seconds = 0;
    std::int64_t polling_seconds = 30;                         // pollingInterval
    std::optional<HpaBehavior> behavior = default_behavior();  // of the HPA it makes
};

class KedaScaler {
public:
    explicit KedaScaler(KedaSpec spec);
    // One poll at `now` with the trigger's metric (ready messages, plus unacked where the
    // management API gives them; or the publish rate): the replicas to run.
    int poll(std::int64_t now, int current, double metric);

private:
    KedaSpec spec_;
    Hpa hpa_;
    std::optional<std::int64_t> created_;      // the first poll
    std::optional<std::int64_t> last_active_;  // none while never active
};

}  // namespace mindme::scale
