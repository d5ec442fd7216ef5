#include "scale/k8s_simulation.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

namespace mindme::scale {

namespace {

// Pods by the time they become ready; scale-in removes the newest first.
class Pods {
public:
    Pods(int n, std::int64_t start_seconds) : start_(start_seconds), ready_at_(n, 0) {}
    int count() const { return static_cast<int>(ready_at_.size()); }
    int ready(std::int64_t now) const {
        return static_cast<int>(
            std::count_if(ready_at_.begin(), ready_at_.end(), [&](auto t) { return t <= now; }));
    }
    void resize(int n, std::int64_t now) {
        while (count() < n) ready_at_.push_back(now + start_);
        while (count() > n) ready_at_.pop_back();
    }

private:
    std::int64_t start_;
    std::vector<std::int64_t> ready_at_;
};

// The newest value of each metric as time moves forward through a sorted trace.
class Latest {
public:
    explicit Latest(const std::vector<TracePoint>& trace) : trace_(trace) {}
    void advance(std::int64_t now) {
        for (; next_ < trace_.size() && trace_[next_].t <= now; ++next_)
            values_[trace_[next_].metric] = trace_[next_].value;
    }
    std::optional<double> operator[](const std::string& metric) const {
        auto it = values_.find(metric);
        if (it == values_.end()) return std::nullopt;
        return it->second;
    }

private:
    const std::vector<TracePoint>& trace_;
    std::size_t next_ = 0;
    std::map<std::string, double> values_;
};

HpaMetric hpa_metric(const HpaMetricSource& s, std::optional<double> value, int current,
                     int ready) {
    HpaMetric m;
    if (!value) {
        m.failed = true;
        return m;
    }
    using Kind = HpaMetricSource::Kind;
    using Target = HpaMetricSource::Target;
    bool per_pod = s.kind == Kind::kResource || s.kind == Kind::kPods;
    // Utilization is in whole percent; quantities in milli-units, as the HPA reads them.
    double scale = s.target == Target::kUtilization ? 1.0 : 1000.0;
    m.target = scale * s.value;
    if (per_pod) {
        m.ready_values.assign(static_cast<std::size_t>(ready), scale * *value);
        m.unready = current - ready;
    } else {
        // Object and External metrics are one value for the whole target; AverageValue
        // divides it by the pods.
        double v = s.target == Target::kAverageValue ? *value / std::max(1, current) : *value;
        m.ready_values.assign(static_cast<std::size_t>(std::max(1, current)), scale * v);
    }
    return m;
}

std::int64_t end_of(const std::vector<TracePoint>& trace, std::int64_t step) {
    return (trace.empty() ? 0 : trace.back().t) + step;
}

void write_row(std::ostringstream& out, std::int64_t now, const Pods& pods) {
    int ready = pods.ready(now);
    out << now << ',' << pods.count() << ',' << ready << ',' << pods.count() - ready << '\n';
}

}  // namespace

std::string simulate_hpa(const HpaManifest& h, const std::vector<TracePoint>& trace,
                         const PodOptions& o) {
    Hpa hpa(h.spec);
    Pods pods(o.initial_replicas > 0 ? o.initial_replicas : h.spec.min_replicas, o.start_seconds);
    Latest latest(trace);
    std::ostringstream out;
    out << "t_seconds,desired,in_service,warming\n";
    for (std::int64_t now = o.sync_seconds; now <= end_of(trace, o.sync_seconds);
         now += o.sync_seconds) {
        latest.advance(now);
        std::vector<HpaMetric> metrics;
        for (const auto& s : h.metrics)
            metrics.push_back(hpa_metric(s, latest[s.name], pods.count(), pods.ready(now)));
        pods.resize(hpa.reconcile(now, pods.count(), metrics), now);
        write_row(out, now, pods);
    }
    return out.str();
}

std::string simulate_keda(const KedaManifest& k, const std::vector<TracePoint>& trace,
                          const PodOptions& o) {
    KedaScaler keda(k.spec);
    int initial = o.initial_replicas > 0 ? o.initial_replicas : std::max(1, k.spec.min_replicas);
    Pods pods(initial, o.start_seconds);
    Latest latest(trace);
    std::ostringstream out;
    out << "t_seconds,desired,in_service,warming\n";
    auto step = k.spec.polling_seconds;
    for (std::int64_t now = step; now <= end_of(trace, step); now += step) {
        latest.advance(now);
        pods.resize(keda.poll(now, pods.count(), latest[k.queue].value_or(0)), now);
        write_row(out, now, pods);
    }
    return out.str();
}

}  // namespace mindme::scale
