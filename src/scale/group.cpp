#include "scale/group.hpp"

#include <algorithm>
#include <stdexcept>

namespace mindme::scale {

void validate(const GroupSpec& s) {
    if (s.min_size < 0) throw std::invalid_argument("MinSize must be 0 or more");
    if (s.max_size < s.min_size) throw std::invalid_argument("MaxSize must be at least MinSize");
    if (s.desired < s.min_size || s.desired > s.max_size)
        throw std::invalid_argument("DesiredCapacity must be between MinSize and MaxSize");
    if (s.launch_seconds < 0) throw std::invalid_argument("the launch latency must be 0 or more");
    if (s.default_cooldown < 0) throw std::invalid_argument("DefaultCooldown must be 0 or more");
    if (s.default_instance_warmup && *s.default_instance_warmup < 0)
        throw std::invalid_argument("DefaultInstanceWarmup must be 0 or more");
}

Group::Group(GroupSpec spec, std::int64_t now) : spec_(spec) {
    validate(spec_);
    instances_.assign(static_cast<std::size_t>(spec_.desired), Instance{now, now});
}

int Group::clamp(int desired) const { return std::clamp(desired, spec_.min_size, spec_.max_size); }

int Group::set_desired(int desired, std::int64_t now, std::int64_t warmup) {
    desired = clamp(desired);
    while (this->desired() < desired) {
        auto in_service = now + spec_.launch_seconds;
        instances_.push_back({in_service, in_service + warmup});
    }
    while (this->desired() > desired) {
        // Pending launches first, then the newest running instance.
        auto pending = std::find_if(instances_.rbegin(), instances_.rend(),
                                    [now](const Instance& i) { return i.in_service_at > now; });
        if (pending != instances_.rend())
            instances_.erase(std::next(pending).base());
        else
            instances_.pop_back();
    }
    return desired;
}

int Group::pending(std::int64_t now) const {
    return static_cast<int>(
        std::count_if(instances_.begin(), instances_.end(),
                      [now](const Instance& i) { return i.in_service_at > now; }));
}

int Group::in_service(std::int64_t now) const { return desired() - pending(now); }

int Group::warming(std::int64_t now) const {
    return static_cast<int>(std::count_if(
        instances_.begin(), instances_.end(),
        [now](const Instance& i) { return i.in_service_at <= now && i.warm_at > now; }));
}

int Group::capacity(std::int64_t now) const { return in_service(now) - warming(now); }

std::int64_t Group::warmup_for(std::optional<std::int64_t> policy_warmup) const {
    if (policy_warmup) return *policy_warmup;
    if (spec_.default_instance_warmup) return *spec_.default_instance_warmup;
    return spec_.default_cooldown;
}

}  // namespace mindme::scale
