#pragma once
// Metrics in the Prometheus data model: counters, gauges and histograms, with or
// without labels, rendered as text exposition format 0.0.4. Updates are lock-free
// atomics; only creating a new labelled child takes a lock, so hot paths look a
// child up once and keep the reference (children are never moved or freed).
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mindme::metrics {

class Counter {
public:
    void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(double v) { value_.store(v, std::memory_order_relaxed); }
    void add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

class Histogram {
public:
    explicit Histogram(const std::vector<double>& bounds);
    void observe(double v);
    // Cumulative counts per bound (last entry is +Inf), the sum and the count.
    std::vector<std::uint64_t> cumulative() const;
    double sum() const { return sum_.load(std::memory_order_relaxed); }
    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
    const std::vector<double>& bounds() const { return bounds_; }

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
    std::atomic<double> sum_{0};
    std::atomic<std::uint64_t> count_{0};
};

// Latency buckets in seconds, from 100 µs to 10 s.
const std::vector<double>& default_latency_buckets();

enum class MetricType { kCounter, kGauge, kHistogram };

class FamilyBase {
public:
    FamilyBase(std::string name, std::string help, MetricType type,
               std::vector<std::string> labels);
    virtual ~FamilyBase() = default;
    void render(std::string& out) const;
    const std::string& name() const { return name_; }

protected:
    virtual void render_children(std::string& out) const = 0;
    std::string name_;
    std::string help_;
    MetricType type_;
    std::vector<std::string> label_names_;
    mutable std::mutex mutex_;
};

template <class T>
class Family : public FamilyBase {
public:
    Family(std::string name, std::string help, MetricType type, std::vector<std::string> labels,
           std::function<std::unique_ptr<T>()> make)
        : FamilyBase(std::move(name), std::move(help), type, std::move(labels)),
          make_(std::move(make)) {}

    // The child for these label values (in the order of the family's label names).
    T& with(const std::vector<std::string>& values) {
        std::lock_guard lock(mutex_);
        auto it = children_.find(values);
        if (it == children_.end()) it = children_.emplace(values, make_()).first;
        return *it->second;
    }

    // Calls `visit(label values, child)` for every child, under the family's lock: for
    // readers that aggregate over labels (the live alarms).
    void for_each(
        const std::function<void(const std::vector<std::string>&, const T&)>& visit) const {
        std::lock_guard lock(mutex_);
        for (const auto& [values, child] : children_) visit(values, *child);
    }

protected:
    void render_children(std::string& out) const override;

private:
    std::function<std::unique_ptr<T>()> make_;
    std::map<std::vector<std::string>, std::unique_ptr<T>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
public:
    CounterFamily& counter_family(std::string name, std::string help,
                                  std::vector<std::string> labels);
    GaugeFamily& gauge_family(std::string name, std::string help, std::vector<std::string> labels);
    HistogramFamily& histogram_family(std::string name, std::string help,
                                      std::vector<std::string> labels,
                                      std::vector<double> bounds = default_latency_buckets());

    Counter& counter(std::string name, std::string help);
    Gauge& gauge(std::string name, std::string help);

    // The family registered under `name` with type F, else nullptr.
    template <class F>
    const F* find(std::string_view name) const {
        std::lock_guard lock(mutex_);
        for (const auto& f : families_)
            if (f->name() == name) return dynamic_cast<const F*>(f.get());
        return nullptr;
    }

    // A collector appends whole families (with # HELP/# TYPE) computed at scrape
    // time, for values owned elsewhere (process statistics, pool sizes).
    void add_collector(std::function<void(std::string&)> collector);

    std::string render() const;

private:
    template <class F>
    F& add_family(std::unique_ptr<F> family);
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<FamilyBase>> families_;
    std::vector<std::function<void(std::string&)>> collectors_;
};

// Exposition helpers for collectors.
void write_header(std::string& out, std::string_view name, std::string_view help, MetricType type);
void write_sample(std::string& out, std::string_view name, double value,
                  std::string_view labels = {});
std::string format_value(double v);
// A whole family of one sample: header and value.
void write_family(std::string& out, std::string_view name, std::string_view help, MetricType type,
                  double value, std::string_view labels = {});

}  // namespace mindme::metrics
