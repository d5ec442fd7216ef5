#pragma once
// The Kubernetes HorizontalPodAutoscaler's replica computation (autoscaling/v2;
// ../shared/SCALING.md, "Kubernetes HPA"), on a simulated clock: per-metric proposals
// with the tolerance and the missing/unready pod rules, the largest proposal across
// metrics, stabilization windows, and the scaling policies that limit the rate.
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace mindme::scale {

struct HpaPolicy {
    enum class Kind { kPods, kPercent };
    Kind kind = Kind::kPods;
    int value = 0;
    std::int64_t period_seconds = 15;
};

struct HpaRules {
    enum class Select { kMax, kMin, kDisabled };
    std::int64_t stabilization_window_seconds = 0;
    std::vector<HpaPolicy> policies;
    Select select = Select::kMax;
};

struct HpaBehavior {
    HpaRules scale_up;
    HpaRules scale_down;
};
// Kubernetes' defaults: up no window, max(100 % or 4 pods per 15 s); down a 300 s window,
// 100 % per 15 s.
HpaBehavior default_behavior();

// One metric of one cycle, as the HPA sees it.
struct HpaMetric {
    // Ready pods' values: utilization in percent of the request (Resource) or the raw
    // value (AverageValue); their average is floored to whole units, as the HPA's
    // integer quantities are. Empty with `failed` when the metric could not be read.
    std::vector<double> ready_values;
    double target = 0;  // target utilization % or average value
    int unready = 0;    // pods not ready (or starting): 0 when scaling up
    int missing = 0;    // pods without a value: target when down, 0 when up
    bool failed = false;
};

struct HpaSpec {
    int min_replicas = 1;
    int max_replicas = 1;
    double tolerance_up = 0.1;
    double tolerance_down = 0.1;
    // nullopt: the legacy rules (300 s down-stabilization, up at most max(2·current, 4)).
    std::optional<HpaBehavior> behavior = default_behavior();
};

// The replicas one metric asks for, or nullopt to keep `current` (within tolerance, or
// the correction for missing/unready pods reversed or cancelled the change).
std::optional<int> hpa_metric_proposal(const HpaSpec& spec, const HpaMetric& metric, int current);

class Hpa {
public:
    explicit Hpa(HpaSpec spec);
    // One reconcile at `now` (every 15 s by default): the replicas to run.
    int reconcile(std::int64_t now, int current, const std::vector<HpaMetric>& metrics);

private:
    struct Recommendation {
        std::int64_t at;
        int replicas;
    };
    struct ScaleEvent {
        std::int64_t at;
        int change;  // + added, − removed
    };
    int stabilize(std::int64_t now, int current, int proposal);
    int limit(std::int64_t now, int current, int stabilized) const;
    // The furthest the rules' policies let the replicas move from `current` in one
    // direction (up: the highest count, down: the lowest); nullopt without policies.
    std::optional<int> rate_limit(const HpaRules& rules, bool up, std::int64_t now,
                                  int current) const;
    int start_of(std::int64_t now, int current, std::int64_t period) const;

    HpaSpec spec_;
    std::deque<Recommendation> recommendations_;
    std::deque<ScaleEvent> events_;
    bool seeded_ = false;
};

}  // namespace mindme::scale
