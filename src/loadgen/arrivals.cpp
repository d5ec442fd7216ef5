#include "loadgen/arrivals.hpp"

#include <cmath>

namespace mindme::loadgen {

namespace {
double seconds(Micros d) { return static_cast<double>(d.count()) / 1e6; }
}  // namespace

ArrivalSchedule::ArrivalSchedule(double start_per_second, std::vector<RateStage> stages)
    : start_rate_(start_per_second), stages_(std::move(stages)) {}

double ArrivalSchedule::arrivals_within(double r0, double r1, double d, double t) {
    // ∫ r0 + (r1 − r0)·s/d ds from 0 to t
    return r0 * t + (r1 - r0) * t * t / (2 * d);
}

double ArrivalSchedule::time_of(double r0, double r1, double d, double n) {
    double a = (r1 - r0) / (2 * d);
    if (std::abs(a) < 1e-12) return n / r0;
    // a·t² + r0·t − n = 0, the root in [0, d]
    double disc = r0 * r0 + 4 * a * n;
    return (-r0 + std::sqrt(std::max(disc, 0.0))) / (2 * a);
}

std::optional<Micros> ArrivalSchedule::next() {
    // Arrival k (0-based) is due when the cumulative count reaches k + 1/2: the
    // midpoint rule, so a constant rate r gives evenly spaced starts 1/r apart.
    double wanted = static_cast<double>(issued_) + 0.5;
    while (stage_ < stages_.size()) {
        double r0 = stage_ == 0 ? start_rate_ : stages_[stage_ - 1].target_per_second;
        double r1 = stages_[stage_].target_per_second;
        double d = seconds(stages_[stage_].duration);
        double in_stage = d > 0 ? arrivals_within(r0, r1, d, d) : 0;
        if (d > 0 && wanted <= arrivals_before_ + in_stage) {
            double t = time_of(r0, r1, d, wanted - arrivals_before_);
            ++issued_;
            return Micros(static_cast<std::int64_t>(std::llround((stage_start_s_ + t) * 1e6)));
        }
        arrivals_before_ += in_stage;
        stage_start_s_ += d;
        ++stage_;
    }
    return std::nullopt;
}

std::uint64_t ArrivalSchedule::total() const {
    double sum = 0;
    double r0 = start_rate_;
    for (const auto& s : stages_) {
        double d = seconds(s.duration);
        if (d > 0) sum += arrivals_within(r0, s.target_per_second, d, d);
        r0 = s.target_per_second;
    }
    // Arrival k happens when the count reaches k + 1/2.
    return static_cast<std::uint64_t>(std::floor(sum + 0.5));
}

Micros ArrivalSchedule::length() const {
    Micros sum{0};
    for (const auto& s : stages_) sum += s.duration;
    return sum;
}

}  // namespace mindme::loadgen
