#include "loadgen/histogram.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <sstream>

namespace mindme::loadgen {

namespace {
constexpr std::uint64_t kMaxValue = (std::uint64_t{1} << Histogram::kMaxBits) - 1;
}  // namespace

// Values below kSubBuckets have a bucket each; above, each power of two [2^e, 2^(e+1))
// is split into kSubBuckets/2 equal parts (the upper half of the sub-bucket range,
// as HdrHistogram does), so the step is 2^(e − kSubBucketBits + 1).
int Histogram::index_of(std::uint64_t value) {
    value = std::min(value, kMaxValue);
    if (value < kSubBuckets) return static_cast<int>(value);
    int e = std::bit_width(value) - 1;  // value in [2^e, 2^(e+1))
    int shift = e - kSubBucketBits + 1;
    auto sub = static_cast<int>(value >> shift);  // in [kSubBuckets/2, kSubBuckets)
    return kSubBuckets + (shift - 1) * (kSubBuckets / 2) + (sub - kSubBuckets / 2);
}

std::uint64_t Histogram::upper_edge(int index) {
    if (index < kSubBuckets) return static_cast<std::uint64_t>(index);
    int rel = index - kSubBuckets;
    int shift = rel / (kSubBuckets / 2) + 1;
    auto sub = static_cast<std::uint64_t>(rel % (kSubBuckets / 2) + kSubBuckets / 2);
    return ((sub + 1) << shift) - 1;
}

void Histogram::record(std::uint64_t value_us, std::uint64_t count) {
    if (count == 0) return;
    counts_[static_cast<std::size_t>(index_of(value_us))] += count;
    count_ += count;
    min_ = std::min(min_, value_us);
    max_ = std::max(max_, value_us);
    sum_ += static_cast<double>(value_us) * static_cast<double>(count);
}

void Histogram::merge(const Histogram& other) {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
}

double Histogram::mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0; }

std::uint64_t Histogram::value_at(double quantile) const {
    if (count_ == 0) return 0;
    quantile = std::clamp(quantile, 0.0, 1.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(quantile * static_cast<double>(count_)));
    rank = std::max<std::uint64_t>(rank, 1);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::min(upper_edge(static_cast<int>(i)), max_);
    }
    return max_;
}

std::string Histogram::to_text() const {
    std::ostringstream out;
    out << count_ << ' ' << min() << ' ' << max_ << ' ' << static_cast<std::uint64_t>(sum_);
    for (std::size_t i = 0; i < counts_.size(); ++i)
        if (counts_[i]) out << ' ' << i << ':' << counts_[i];
    return out.str();
}

std::optional<Histogram> Histogram::from_text(const std::string& text) {
    std::istringstream in(text);
    Histogram h;
    std::uint64_t count = 0, min = 0, max = 0, sum = 0;
    if (!(in >> count >> min >> max >> sum)) return std::nullopt;
    std::string item;
    std::uint64_t total = 0;
    while (in >> item) {
        auto colon = item.find(':');
        if (colon == std::string::npos) return std::nullopt;
        std::size_t index = 0;
        std::uint64_t n = 0;
        auto a = std::from_chars(item.data(), item.data() + colon, index);
        auto b = std::from_chars(item.data() + colon + 1, item.data() + item.size(), n);
        if (a.ec != std::errc() || b.ec != std::errc() || index >= h.counts_.size())
            return std::nullopt;
        h.counts_[index] += n;
        total += n;
    }
    if (total != count) return std::nullopt;
    h.count_ = count;
    h.min_ = count ? min : UINT64_MAX;
    h.max_ = max;
    h.sum_ = static_cast<double>(sum);
    return h;
}

}  // namespace mindme::loadgen
