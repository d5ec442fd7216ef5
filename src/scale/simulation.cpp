#include "scale/simulation.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace mindme::scale {

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return std::string(s);
}

// A step or simple policy with the alarm that invokes it, and the metric it reads.
struct Alarmed {
    std::string column;
    std::string metric;
    std::unique_ptr<AlarmedScaler> scaler;
};

// An alarm without actions: evaluated and reported, acting on nothing.
class AlarmOnly final : public AlarmedScaler {
public:
    explicit AlarmOnly(const metrics::AlarmSpec& spec) : AlarmedScaler(spec) {}
    int evaluate(std::int64_t now) override {
        alarm_.evaluate(now);
        return 0;
    }
};

std::string policy_name(const AwsPolicy& p) {
    if (const auto* t = std::get_if<AwsTargetTracking>(&p)) return t->spec.name;
    if (const auto* s = std::get_if<AwsStepPolicy>(&p)) return s->name;
    return std::get<AwsSimplePolicy>(p).name;
}

}  // namespace

std::vector<TracePoint> parse_trace(const std::string& csv, const std::string& origin) {
    std::vector<TracePoint> points;
    std::istringstream in(csv);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (trim(line).empty()) continue;
        auto where = origin + ":" + std::to_string(number);
        std::vector<std::string> cells;
        std::string cell;
        std::istringstream fields(line);
        while (std::getline(fields, cell, ',')) cells.push_back(trim(cell));
        if (cells.size() != 3)
            throw std::invalid_argument(where + ": expected t_seconds,metric,value");
        if (number == 1 && cells[0] == "t_seconds") continue;
        TracePoint p;
        auto [t_end, t_error] =
            std::from_chars(cells[0].data(), cells[0].data() + cells[0].size(), p.t);
        if (t_error != std::errc() || t_end != cells[0].data() + cells[0].size() || p.t < 0)
            throw std::invalid_argument(where + ": t_seconds must be a whole number ≥ 0");
        if (cells[1].empty()) throw std::invalid_argument(where + ": the metric name is empty");
        p.metric = cells[1];
        try {
            std::size_t used = 0;
            p.value = std::stod(cells[2], &used);
            if (used != cells[2].size()) throw std::invalid_argument("trailing text");
        } catch (const std::exception&) {
            throw std::invalid_argument(where + ": value must be a number");
        }
        points.push_back(std::move(p));
    }
    std::stable_sort(points.begin(), points.end(),
                     [](const TracePoint& a, const TracePoint& b) { return a.t < b.t; });
    return points;
}

struct Replay::Engine {
    explicit Engine(const Simulation& sim);

    Group group;
    std::vector<TargetTrackingSpec> tracking;
    std::vector<std::string> tracking_metrics;
    std::unique_ptr<TargetTrackingScaler> tracker;
    std::vector<Alarmed> alarmed;
    std::vector<std::string> names;
    std::int64_t step = 60;
};

Replay::Engine::Engine(const Simulation& sim) : group(sim.group, 0) {
    for (const auto& p : sim.policies)
        if (const auto* t = std::get_if<AwsTargetTracking>(&p)) {
            tracking.push_back(t->spec);
            tracking_metrics.push_back(t->metric);
            step = std::min(step, t->spec.period_seconds);
            names.push_back(t->spec.name + "-AlarmHigh");
            names.push_back(t->spec.name + "-AlarmLow");
        }
    tracker = std::make_unique<TargetTrackingScaler>(group, tracking, sim.cooldowns);
    for (const auto& a : sim.alarms) {
        step = std::min(step, a.spec.period_seconds);
        if (a.actions.empty()) {
            alarmed.push_back({a.spec.name, a.metric, std::make_unique<AlarmOnly>(a.spec)});
            continue;
        }
        for (const auto& action : a.actions) {
            auto named = std::find_if(sim.policies.begin(), sim.policies.end(),
                                      [&](const AwsPolicy& p) { return policy_name(p) == action; });
            if (named == sim.policies.end())
                throw std::invalid_argument("alarm " + a.spec.name + " acts on policy " + action +
                                            ", which is not given");
            Alarmed s;
            s.column = a.actions.size() == 1 ? a.spec.name : a.spec.name + "/" + action;
            s.metric = a.metric;
            if (const auto* st = std::get_if<AwsStepPolicy>(&*named)) {
                s.scaler = std::make_unique<StepScaler>(
                    group, StepScalingSpec{st->policy, a.spec, st->warmup});
            } else if (const auto* si = std::get_if<AwsSimplePolicy>(&*named)) {
                auto spec = si->spec;
                spec.alarm = a.spec;
                s.scaler = std::make_unique<SimpleScaler>(group, spec);
            } else {
                throw std::invalid_argument("alarm " + a.spec.name + " acts on " + action +
                                            ", a target tracking policy, whose alarms are its "
                                            "own");
            }
            alarmed.push_back(std::move(s));
        }
    }
    for (const auto& s : alarmed) names.push_back(s.column);
}

Replay::Replay(const Simulation& simulation) : engine_(std::make_unique<Engine>(simulation)) {}
Replay::~Replay() = default;

std::int64_t Replay::step_seconds() const { return engine_->step; }

void Replay::record(const std::string& metric, std::int64_t t, double value) {
    auto& e = *engine_;
    for (std::size_t i = 0; i < e.tracking_metrics.size(); ++i)
        if (e.tracking_metrics[i] == metric) e.tracker->record(i, t, value);
    for (auto& s : e.alarmed)
        if (s.metric == metric) s.scaler->record(t, value);
}

void Replay::evaluate(std::int64_t now) {
    auto& e = *engine_;
    if (!e.tracking.empty()) e.tracker->evaluate(now);
    for (auto& s : e.alarmed) s.scaler->evaluate(now);
}

const Group& Replay::group() const { return engine_->group; }
const std::vector<std::string>& Replay::alarm_names() const { return engine_->names; }

std::vector<metrics::AlarmState> Replay::alarm_states() const {
    std::vector<metrics::AlarmState> states;
    for (std::size_t i = 0; i < engine_->tracking.size(); ++i) {
        states.push_back(engine_->tracker->high_state(i));
        states.push_back(engine_->tracker->low_state(i));
    }
    for (const auto& s : engine_->alarmed) states.push_back(s.scaler->state());
    return states;
}

std::string simulate(const Simulation& sim, const std::vector<TracePoint>& trace) {
    Replay replay(sim);
    auto step = replay.step_seconds();
    std::ostringstream out;
    out << "t_seconds,desired,in_service,warming";
    for (const auto& name : replay.alarm_names()) out << ',' << name;
    out << '\n';
    std::int64_t last = trace.empty() ? 0 : trace.back().t;
    std::size_t next = 0;
    for (std::int64_t now = step; now <= last + step; now += step) {
        for (; next < trace.size() && trace[next].t < now; ++next)
            replay.record(trace[next].metric, trace[next].t, trace[next].value);
        replay.evaluate(now);
        const auto& group = replay.group();
        out << now << ',' << group.desired() << ',' << group.in_service(now) << ','
            << group.warming(now);
        for (auto state : replay.alarm_states()) out << ',' << metrics::alarm_state_name(state);
        out << '\n';
    }
    return out.str();
}

}  // namespace mindme::scale
