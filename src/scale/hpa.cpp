#include "scale/hpa.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mindme::scale {

namespace {

constexpr std::int64_t kLegacyDownWindow = 300;

// The pods' average, floored as the HPA's integer quantities are (whole percent of the
// request, or whole units).
double metric_value(const std::vector<double>& values) {
    double mean =
        std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    return std::floor(mean);
}

bool within(const HpaSpec& spec, double ratio) {
    return ratio >= 1.0 - spec.tolerance_down && ratio <= 1.0 + spec.tolerance_up;
}

}  // namespace

HpaBehavior default_behavior() {
    HpaBehavior b;
    b.scale_up.stabilization_window_seconds = 0;
    b.scale_up.policies = {{HpaPolicy::Kind::kPercent, 100, 15}, {HpaPolicy::Kind::kPods, 4, 15}};
    b.scale_up.select = HpaRules::Select::kMax;
    b.scale_down.stabilization_window_seconds = 300;
    b.scale_down.policies = {{HpaPolicy::Kind::kPercent, 100, 15}};
    b.scale_down.select = HpaRules::Select::kMax;
    return b;
}

std::optional<int> hpa_metric_proposal(const HpaSpec& spec, const HpaMetric& m, int current) {
    if (m.failed || m.ready_values.empty() || m.target <= 0) return std::nullopt;
    double ratio = metric_value(m.ready_values) / m.target;
    int ready = static_cast<int>(m.ready_values.size());
    bool scale_up = ratio > 1.0;
    if (m.missing == 0 && (m.unready == 0 || !scale_up)) {
        if (within(spec, ratio)) return std::nullopt;
        return static_cast<int>(std::ceil(ratio * ready));
    }
    // Pods without a value count as at target when scaling down and as idle when
    // scaling up; unready pods as idle when scaling up: the cautious direction each time.
    auto values = m.ready_values;
    if (scale_up) {
        values.insert(values.end(), static_cast<std::size_t>(m.missing + m.unready), 0.0);
    } else {
        if (within(spec, ratio)) return std::nullopt;
        values.insert(values.end(), static_cast<std::size_t>(m.missing), m.target);
    }
    double corrected = metric_value(values) / m.target;
    if (within(spec, corrected) || (scale_up && corrected < 1.0) || (!scale_up && corrected > 1.0))
        return std::nullopt;
    int proposal = static_cast<int>(std::ceil(corrected * static_cast<double>(values.size())));
    if ((corrected < 1.0 && proposal > current) || (corrected > 1.0 && proposal < current))
        return std::nullopt;
    return proposal;
}

Hpa::Hpa(HpaSpec spec) : spec_(std::move(spec)) {}

int Hpa::reconcile(std::int64_t now, int current, const std::vector<HpaMetric>& metrics) {
    std::optional<int> best;
    bool any_failed = false;
    for (const auto& m : metrics) {
        if (m.failed) {
            any_failed = true;
            continue;
        }
        int p = hpa_metric_proposal(spec_, m, current).value_or(current);
        best = best ? std::max(*best, p) : p;
    }
    if (!best) return current;  // no metric could be read: no change
    // A metric that failed might have asked for more: do not scale down without it.
    if (any_failed && *best < current) return current;
    int stabilized = stabilize(now, current, *best);
    int result = limit(now, current, stabilized);
    if (result != current) events_.push_back({now, result - current});
    return result;
}

int Hpa::stabilize(std::int64_t now, int current, int proposal) {
    std::int64_t up_window = 0, down_window = kLegacyDownWindow;
    if (spec_.behavior) {
        up_window = spec_.behavior->scale_up.stabilization_window_seconds;
        down_window = spec_.behavior->scale_down.stabilization_window_seconds;
        // The first reconcile starts the window with the replicas running.
        if (!seeded_) recommendations_.push_back({now, current});
    }
    seeded_ = true;
    recommendations_.push_back({now, proposal});
    int up = proposal, down = proposal;
    for (const auto& r : recommendations_) {
        if (r.at > now - up_window) up = std::min(up, r.replicas);
        if (r.at > now - down_window) down = std::max(down, r.replicas);
    }
    auto keep_from = now - std::max(up_window, down_window);
    while (!recommendations_.empty() && recommendations_.front().at <= keep_from)
        recommendations_.pop_front();
    return std::min(std::max(current, up), down);
}

int Hpa::start_of(std::int64_t now, int current, std::int64_t period) const {
    int added = 0, removed = 0;
    for (const auto& e : events_) {
        if (e.at <= now - period) continue;
        if (e.change > 0)
            added += e.change;
        else
            removed -= e.change;
    }
    return current - added + removed;
}

std::optional<int> Hpa::rate_limit(const HpaRules& rules, bool up, std::int64_t now,
                                   int current) const {
    std::optional<int> allowed;
    for (const auto& p : rules.policies) {
        int start = start_of(now, current, p.period_seconds);
        int bound = 0;
        if (p.kind == HpaPolicy::Kind::kPods) {
            bound = up ? start + p.value : start - p.value;
        } else {
            double scaled = start * (1.0 + (up ? p.value : -p.value) / 100.0);
            bound = static_cast<int>(up ? std::ceil(scaled) : std::floor(scaled));
        }
        // Max: the policy that allows the largest change (the highest bound up, the lowest
        // down); Min: the smallest.
        bool wider = allowed && (up ? bound > *allowed : bound < *allowed);
        bool narrower = allowed && (up ? bound < *allowed : bound > *allowed);
        if (!allowed || (rules.select == HpaRules::Select::kMax ? wider : narrower))
            allowed = bound;
    }
    return allowed;
}

int Hpa::limit(std::int64_t now, int current, int stabilized) const {
    int lo = spec_.min_replicas, hi = spec_.max_replicas;
    if (!spec_.behavior) {
        hi = std::min(hi, std::max(2 * current, 4));
        return std::clamp(stabilized, lo, std::max(lo, hi));
    }
    if (stabilized == current) return std::clamp(current, lo, hi);
    bool up = stabilized > current;
    const auto& rules = up ? spec_.behavior->scale_up : spec_.behavior->scale_down;
    if (rules.select == HpaRules::Select::kDisabled) return std::clamp(current, lo, hi);
    int limited = stabilized;
    if (auto allowed = rate_limit(rules, up, now, current))
        limited = up ? std::min(stabilized, *allowed) : std::max(stabilized, *allowed);
    return std::clamp(limited, lo, hi);
}

}  // namespace mindme::scale
