#include "metrics/live_alarms.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "metrics/process_collector.hpp"
#include "metrics/registry.hpp"

namespace mindme::metrics {

namespace {

// The five alarms: name, configuration key, and what reads their metric.
struct AlarmKind {
    const char* name;
    const char* key;
    double fallback;
    const char* doc;
    std::optional<double> (*read)(const ServerMetrics&);
};

const AlarmKind kKinds[] = {
    {"cpu_high", "alarms.cpu_percent", 80,
     "CPU alarm: this process's CPU use, in % of the cores it may use, above which a "
     "period breaches. 0 turns the alarm off.",
     [](const ServerMetrics& m) -> std::optional<double> { return m.cpu_percent; }},
    {"memory_high", "alarms.memory_percent", 85,
     "Memory alarm: resident memory in % of the memory the process may use (its cgroup's "
     "limit, else the machine's). 0 turns the alarm off.",
     [](const ServerMetrics& m) -> std::optional<double> { return m.memory_percent; }},
    {"requests_high", "alarms.requests_per_minute", 50000,
     "Request-count alarm: requests answered by this process per minute. 0 turns the alarm "
     "off.",
     [](const ServerMetrics& m) -> std::optional<double> { return m.requests_per_minute; }},
    {"error_rate_high", "alarms.error_rate_percent", 5,
     "Error-rate alarm: % of requests answered 5xx. A period without requests does not "
     "breach. 0 turns the alarm off.",
     [](const ServerMetrics& m) { return m.error_rate_percent; }},
    {"response_time_high", "alarms.response_time_seconds", 2,
     "Response-time alarm: the average time to answer a request, in seconds. A period "
     "without requests does not breach. 0 turns the alarm off.",
     [](const ServerMetrics& m) { return m.response_time_seconds; }},
};

}  // namespace

void declare_alarms_config(core::ConfigSchema& schema) {
    schema.add_bool("alarms.enabled", true,
                    "Evaluate the live alarms (docs/scaling.md, \"Live alarms\") in this process.");
    schema.add_int("alarms.period_seconds", 60, 1, 86400,
                   "The alarms' period: one datapoint of each metric per period.");
    schema.add_int("alarms.evaluation_periods", 1, 1, 1440,
                   "N: the periods each alarm looks back over.");
    schema.add_int("alarms.datapoints_to_alarm", 0, 0, 1440,
                   "M: breaching periods among the last N that set an alarm off; 0 means N.");
    for (const auto& kind : kKinds) schema.add_double(kind.key, kind.fallback, 0, 1e12, kind.doc);
}

struct LiveAlarms::Impl {
    struct Watched {
        const AlarmKind* kind;
        Alarm alarm;
        double since = unix_now();  // when it entered its state (the console's history)
    };

    static double unix_now() { return static_cast<double>(core::now_ms()) / 1000; }

    explicit Impl(Registry& r) : registry(r) {}

    Registry& registry;
    std::int64_t period = 60;
    bool enabled = true;
    mutable std::mutex mutex;  // the alarms: evaluated by the thread, read by scrapes
    std::vector<Watched> watched;
    std::condition_variable wake;
    bool stopping = false;
    std::thread thread;

    void run() {
        const double cores = std::max(1u, std::thread::hardware_concurrency());
        const double memory = memory_limit_bytes();
        auto before = sample_server(registry);
        std::unique_lock lock(mutex);
        for (std::int64_t now = period;; now += period) {
            // The timer of a periodic task, woken early only to stop.
            auto due = std::chrono::steady_clock::now() + std::chrono::seconds(period);
            if (wake.wait_until(lock, due, [this] { return stopping; })) return;
            lock.unlock();
            auto after = sample_server(registry);
            auto metrics = metrics_between(before, after, cores, memory);
            before = after;
            lock.lock();
            evaluate_locked(now, metrics);
        }
    }

    void evaluate_locked(std::int64_t now, const ServerMetrics& m) {
        for (auto& w : watched) {
            auto value = w.kind->read(m);
            if (value) w.alarm.record(now - period, *value);
            auto before = w.alarm.state();
            auto after = w.alarm.evaluate(now);
            if (after == before) continue;
            w.since = unix_now();
            core::log::Fields f;
            f.add("alarm", w.kind->name)
                .add("from", alarm_state_name(before))
                .add("to", alarm_state_name(after))
                .add("threshold", w.alarm.spec().threshold);
            if (value) f.add("value", *value);
            // Every process's alarms leave INSUFFICIENT_DATA for OK after the first period:
            // news to no one, so at debug level.
            if (after == AlarmState::kAlarm)
                core::log::warn("alarm state changed", f);
            else if (before == AlarmState::kInsufficientData)
                core::log::debug("alarm state changed", f);
            else
                core::log::info("alarm state changed", f);
        }
    }
};

LiveAlarms::LiveAlarms(const core::Config& config, Registry& registry)
    : impl_(std::make_unique<Impl>(registry)) {
    auto& i = *impl_;
    i.enabled = config.get_bool("alarms.enabled");
    i.period = config.get_int("alarms.period_seconds");
    auto n = static_cast<int>(config.get_int("alarms.evaluation_periods"));
    auto m = static_cast<int>(config.get_int("alarms.datapoints_to_alarm"));
    if (m > n)
        throw core::ConfigError("alarms.datapoints_to_alarm (" + std::to_string(m) +
                                ") cannot exceed alarms.evaluation_periods (" + std::to_string(n) +
                                ")");
    for (const auto& kind : kKinds) {
        double threshold = config.get_double(kind.key);
        if (!i.enabled || threshold <= 0) continue;
        AlarmSpec spec;
        spec.name = kind.name;
        spec.period_seconds = i.period;
        spec.evaluation_periods = n;
        spec.datapoints_to_alarm = m;
        spec.threshold = threshold;
        spec.comparison = Comparison::kGreaterThanThreshold;
        // No requests, no errors and no slow answers: a quiet period is not breaching.
        spec.missing = MissingData::kNotBreaching;
        i.watched.push_back({&kind, Alarm(spec)});
    }
    registry.add_collector([impl = impl_.get()](std::string& out) {
        std::lock_guard lock(impl->mutex);
        if (impl->watched.empty()) return;
        write_header(out, "alarm_state",
                     "Live alarms (docs/scaling.md): 1 for the state each is in.",
                     MetricType::kGauge);
        for (const auto& w : impl->watched)
            for (auto state : {AlarmState::kOk, AlarmState::kAlarm, AlarmState::kInsufficientData})
                write_sample(out, "alarm_state", w.alarm.state() == state ? 1 : 0,
                             std::string("alarm=\"") + w.kind->name + "\",state=\"" +
                                 alarm_state_name(state) + "\"");
        write_header(out, "alarm_threshold", "Live alarms' thresholds, in their metric's unit.",
                     MetricType::kGauge);
        for (const auto& w : impl->watched)
            write_sample(out, "alarm_threshold", w.alarm.spec().threshold,
                         std::string("alarm=\"") + w.kind->name + "\"");
        write_header(out, "alarm_state_since_seconds",
                     "When each live alarm entered its state, in seconds since the epoch.",
                     MetricType::kGauge);
        for (const auto& w : impl->watched)
            write_sample(out, "alarm_state_since_seconds", w.since,
                         std::string("alarm=\"") + w.kind->name + "\"");
    });
}

LiveAlarms::~LiveAlarms() { stop(); }

void LiveAlarms::start() {
    if (impl_->watched.empty() || impl_->thread.joinable()) return;
    impl_->stopping = false;
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

void LiveAlarms::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
}

void LiveAlarms::evaluate(std::int64_t now, const ServerMetrics& metrics) {
    std::lock_guard lock(impl_->mutex);
    impl_->evaluate_locked(now, metrics);
}

std::vector<std::pair<std::string, AlarmState>> LiveAlarms::states() const {
    std::lock_guard lock(impl_->mutex);
    std::vector<std::pair<std::string, AlarmState>> out;
    for (const auto& w : impl_->watched) out.emplace_back(w.kind->name, w.alarm.state());
    return out;
}

}  // namespace mindme::metrics
