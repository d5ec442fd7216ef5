#pragma once
// A latency histogram in the manner of HdrHistogram: log-bucketed with linear
// sub-buckets, so every recorded value is kept within 1/64 (1.6 %) of its true value
// (exactly below 128 µs) up to 78 hours, in 17 KiB, with O(1) record.
// Histograms add up exactly (merge), across threads and across processes (to_text /
// from_text), which is how `mindme loadtest --processes` reports one set of numbers.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace mindme::loadgen {

class Histogram {
public:
    // Values below 128 exact; above, 64 linear steps per power of two.
    static constexpr int kSubBucketBits = 7;
    static constexpr int kSubBuckets = 1 << kSubBucketBits;
    // Values up to 2^kMaxBits − 1 microseconds (about 78 hours).
    static constexpr int kMaxBits = 38;

    void record(std::uint64_t value_us, std::uint64_t count = 1);
    void merge(const Histogram& other);

    std::uint64_t count() const { return count_; }
    std::uint64_t min() const { return count_ ? min_ : 0; }
    std::uint64_t max() const { return max_; }
    double mean() const;
    // The smallest recorded value (as its bucket's upper edge, capped by max()) at or
    // below which `quantile` of all values lie; quantile in [0, 1].
    std::uint64_t value_at(double quantile) const;

    // A compact text form ("count min max bucket:n bucket:n ...") and back.
    std::string to_text() const;
    static std::optional<Histogram> from_text(const std::string& text);

    bool operator==(const Histogram& other) const = default;

private:
    static constexpr int kBuckets = kSubBuckets + (kMaxBits - kSubBucketBits) * (kSubBuckets / 2);
    static int index_of(std::uint64_t value);
    static std::uint64_t upper_edge(int index);

    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
    double sum_ = 0;
};

}  // namespace mindme::loadgen
