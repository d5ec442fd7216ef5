#pragma once
// An auto scaling group on a simulated clock (../shared/SCALING.md, "Group"): desired
// capacity clamped to [min, max]; instances launch, are InService after the launch
// latency, then warm up. Warming instances count in desired but not in the capacity a
// metric average or a step base uses.
#include <cstdint>
#include <optional>
#include <vector>

namespace mindme::scale {

struct GroupSpec {
    int min_size = 1;
    int max_size = 1;
    int desired = 1;
    std::int64_t launch_seconds = 0;                      // Pending → InService
    std::optional<std::int64_t> default_instance_warmup;  // DefaultInstanceWarmup
    std::int64_t default_cooldown = 300;                  // DefaultCooldown
};

// Throws std::invalid_argument naming the field (MinSize, MaxSize, DesiredCapacity).
void validate(const GroupSpec& spec);

class Group {
public:
    // The initial desired instances are InService and warm at `now`.
    Group(GroupSpec spec, std::int64_t now);

    int min_size() const { return spec_.min_size; }
    int max_size() const { return spec_.max_size; }
    int desired() const { return static_cast<int>(instances_.size()); }
    int clamp(int desired) const;

    // Sets the desired capacity (clamped): launches instances that warm up for `warmup`
    // once in service, or terminates the newest first (launches still pending go before
    // running instances). Returns the new desired capacity.
    int set_desired(int desired, std::int64_t now, std::int64_t warmup);

    int pending(std::int64_t now) const;
    int in_service(std::int64_t now) const;
    int warming(std::int64_t now) const;   // in service, warm-up not over
    int capacity(std::int64_t now) const;  // in service and warm
    // The warm-up of a policy's launches: the policy's EstimatedInstanceWarmup, else the
    // group's DefaultInstanceWarmup, else its DefaultCooldown.
    std::int64_t warmup_for(std::optional<std::int64_t> policy_warmup) const;
    std::int64_t default_cooldown() const { return spec_.default_cooldown; }
    std::int64_t launch_seconds() const { return spec_.launch_seconds; }

private:
    struct Instance {
        std::int64_t in_service_at;
        std::int64_t warm_at;
    };
    GroupSpec spec_;
    std::vector<Instance> instances_;  // oldest first
};

}  // namespace mindme::scale
