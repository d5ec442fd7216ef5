#include "metrics/registry.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace mindme::metrics {
namespace {

void append_label_value(std::string& out, std::string_view v) {
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

std::string label_text(const std::vector<std::string>& names,
                       const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
        if (i) out += ',';
        out += names[i];
        out += "=\"";
        append_label_value(out, values[i]);
        out += '"';
    }
    return out;
}

std::string_view type_text(MetricType t) {
    switch (t) {
        case MetricType::kCounter:
            return "counter";
        case MetricType::kGauge:
            return "gauge";
        case MetricType::kHistogram:
            return "histogram";
    }
    return "untyped";
}

}  // namespace

std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        return std::to_string(static_cast<long long>(v));
    }
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, p);
}

void write_header(std::string& out, std::string_view name, std::string_view help, MetricType type) {
    out += "# HELP ";
    out += name;
    out += ' ';
    for (char c : help) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type_text(type);
    out += '\n';
}

void write_sample(std::string& out, std::string_view name, double value, std::string_view labels) {
    out += name;
    if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += format_value(value);
    out += '\n';
}

void write_family(std::string& out, std::string_view name, std::string_view help, MetricType type,
                  double value, std::string_view labels) {
    write_header(out, name, help, type);
    write_sample(out, name, value, labels);
}

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::observe(double v) {
    std::size_t i = 0;
    while (i < bounds_.size() && v > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative() const {
    std::vector<std::uint64_t> out(bounds_.size() + 1);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        out[i] = running;
    }
    return out;
}

const std::vector<double>& default_latency_buckets() {
    static const std::vector<double> kBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                              0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                              1,      2.5,     5,      10};
    return kBuckets;
}

FamilyBase::FamilyBase(std::string name, std::string help, MetricType type,
                       std::vector<std::string> labels)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(labels)) {}

void FamilyBase::render(std::string& out) const {
    write_header(out, name_, help_, type_);
    render_children(out);
}

template <>
void Family<Counter>::render_children(std::string& out) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, child] : children_)
        write_sample(out, name_, static_cast<double>(child->value()),
                     label_text(label_names_, values));
}

template <>
void Family<Gauge>::render_children(std::string& out) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, child] : children_)
        write_sample(out, name_, child->value(), label_text(label_names_, values));
}

template <>
void Family<Histogram>::render_children(std::string& out) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, child] : children_) {
        auto labels = label_text(label_names_, values);
        auto counts = child->cumulative();
        const auto& bounds = child->bounds();
        std::string prefix = labels.empty() ? "" : labels + ",";
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
            std::string le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
            write_sample(out, name_ + "_bucket", static_cast<double>(counts[i]),
                         prefix + "le=\"" + le + "\"");
        }
        write_sample(out, name_ + "_sum", child->sum(), labels);
        // The count is the +Inf bucket, so that the two always agree in one scrape.
        write_sample(out, name_ + "_count", static_cast<double>(counts.back()), labels);
    }
}

template <class F>
F& Registry::add_family(std::unique_ptr<F> family) {
    std::lock_guard lock(mutex_);
    for (const auto& f : families_)
        if (f->name() == family->name())
            throw std::logic_error("metric family registered twice: " + family->name());
    auto& ref = *family;
    families_.push_back(std::move(family));
    return ref;
}

CounterFamily& Registry::counter_family(std::string name, std::string help,
                                        std::vector<std::string> labels) {
    return add_family(std::make_unique<CounterFamily>(std::move(name), std::move(help),
                                                      MetricType::kCounter, std::move(labels),
                                                      [] { return std::make_unique<Counter>(); }));
}

GaugeFamily& Registry::gauge_family(std::string name, std::string help,
                                    std::vector<std::string> labels) {
    return add_family(std::make_unique<GaugeFamily>(std::move(name), std::move(help),
                                                    MetricType::kGauge, std::move(labels),
                                                    [] { return std::make_unique<Gauge>(); }));
}

HistogramFamily& Registry::histogram_family(std::string name, std::string help,
                                            std::vector<std::string> labels,
                                            std::vector<double> bounds) {
    return add_family(std::make_unique<HistogramFamily>(
        std::move(name), std::move(help), MetricType::kHistogram, std::move(labels),
        [bounds = std::move(bounds)] { return std::make_unique<Histogram>(bounds); }));
}

Counter& Registry::counter(std::string name, std::string help) {
    return counter_family(std::move(name), std::move(help), {}).with({});
}

Gauge& Registry::gauge(std::string name, std::string help) {
    return gauge_family(std::move(name), std::move(help), {}).with({});
}

void Registry::add_collector(std::function<void(std::string&)> collector) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
    std::string out;
    out.reserve(16384);
    std::lock_guard lock(mutex_);
    for (const auto& f : families_) f->render(out);
    for (const auto& c : collectors_) c(out);
    return out;
}

}  // namespace mindme::metrics
