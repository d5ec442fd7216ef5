#pragma once
// The open model's schedule: when each request is meant to start, for an arrival rate
// that ramps linearly between stage targets (as k6's ramping-arrival-rate). Latency
// is then measured from that intended start, not from when the request was actually
// sent, so a server that stalls is charged for the whole queue it caused
// (coordinated omission, as wrk2 corrects it).
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace mindme::loadgen {

using Micros = std::chrono::microseconds;

struct RateStage {
    Micros duration{0};
    double target_per_second = 0;  // the rate at the stage's end (linear from the last)
};

class ArrivalSchedule {
public:
    // Starts at `start_per_second`, then follows the stages in order.
    ArrivalSchedule(double start_per_second, std::vector<RateStage> stages);

    // The intended start of the next request, from the beginning of the test; nullopt
    // once the stages are over.
    std::optional<Micros> next();
    // How many requests the whole schedule holds.
    std::uint64_t total() const;
    Micros length() const;

private:
    // Arrivals during the first `t` of `stage`, and the time of arrival number `n`.
    static double arrivals_within(double r0, double r1, double d, double t);
    static double time_of(double r0, double r1, double d, double n);

    double start_rate_;
    std::vector<RateStage> stages_;
    std::size_t stage_ = 0;
    double stage_start_s_ = 0;    // when the current stage began
    double arrivals_before_ = 0;  // arrivals in the stages before it
    std::uint64_t issued_ = 0;
};

// The latency to record for a request meant to start at `intended` that completed at
// `done` (both from the test's beginning): never less than the service time alone.
inline Micros corrected_latency(Micros intended, Micros sent, Micros done) {
    auto from_intended = done - intended;
    auto service = done - sent;
    return from_intended > service ? from_intended : service;
}

}  // namespace mindme::loadgen
