#include "loadgen/stats.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <stdexcept>

namespace mindme::loadgen {

namespace json = boost::json;

void StepStats::error(const std::string& kind, std::uint64_t n) {
    errors += n;
    errors_by_kind[kind] += n;
}

void StepStats::merge(const StepStats& other) {
    latency.merge(other.latency);
    count += other.count;
    errors += other.errors;
    for (const auto& [kind, n] : other.errors_by_kind) errors_by_kind[kind] += n;
}

double StepStats::error_rate() const {
    auto attempts = count;
    for (const char* kind :
         {"connect", "read", "write", "timeout", "not_sent", "dropped", "variable"})
        if (auto it = errors_by_kind.find(kind); it != errors_by_kind.end()) attempts += it->second;
    return attempts ? static_cast<double>(errors) / static_cast<double>(attempts) : 0;
}

void EventsStats::merge(const EventsStats& other) {
    opened += other.opened;
    failed += other.failed;
    received += other.received;
}

StepStats RunResult::overall() const {
    StepStats all;
    for (const auto& s : steps) all.merge(s);
    return all;
}

std::uint64_t RunResult::peak_users() const {
    std::uint64_t peak = 0;
    for (const auto& s : timeline) peak = std::max(peak, s.users);
    return peak;
}

std::uint64_t RunResult::peak_connections() const {
    std::uint64_t peak = 0;
    for (const auto& s : timeline) peak = std::max(peak, s.connections);
    return peak;
}

Second& RunResult::second(std::size_t index) {
    if (index >= timeline.size()) timeline.resize(index + 1);
    return timeline[index];
}

void RunResult::merge(const RunResult& other) {
    if (step_names.empty()) step_names = other.step_names;
    if (steps.size() < other.steps.size()) steps.resize(other.steps.size());
    for (std::size_t i = 0; i < other.steps.size(); ++i) steps[i].merge(other.steps[i]);
    for (std::size_t i = 0; i < other.timeline.size(); ++i) {
        auto& mine = second(i);
        const auto& theirs = other.timeline[i];
        mine.requests += theirs.requests;
        mine.errors += theirs.errors;
        mine.latency.merge(theirs.latency);
        mine.users += theirs.users;
        mine.connections += theirs.connections;
        mine.events += theirs.events;
    }
    events.merge(other.events);
    seconds = std::max(seconds, other.seconds);
}

namespace {

double ms(std::uint64_t us) { return static_cast<double>(us) / 1000.0; }

json::object summary(const StepStats& s, double rps) {
    json::object errors;
    for (const auto& [kind, n] : s.errors_by_kind) errors[kind] = n;
    return {{"count", s.count},
            {"errors", s.errors},
            {"rps", rps},
            {"p50", ms(s.latency.value_at(0.5))},
            {"p90", ms(s.latency.value_at(0.9))},
            {"p99", ms(s.latency.value_at(0.99))},
            {"p999", ms(s.latency.value_at(0.999))},
            {"max", ms(s.latency.max())},
            {"errors_by_kind", std::move(errors)}};
}

std::string line(const std::string& name, const StepStats& s, double rps) {
    char text[512];
    std::snprintf(text, sizeof text, "%-28s %10llu %8llu %10.1f %9.3f %9.3f %9.3f %9.3f %9.3f\n",
                  name.substr(0, 28).c_str(), static_cast<unsigned long long>(s.count),
                  static_cast<unsigned long long>(s.errors), rps, ms(s.latency.value_at(0.5)),
                  ms(s.latency.value_at(0.9)), ms(s.latency.value_at(0.99)),
                  ms(s.latency.value_at(0.999)), ms(s.latency.max()));
    return text;
}

std::uint64_t number(const json::value& v) { return v.to_number<std::uint64_t>(); }

Histogram histogram(const json::value& v) {
    auto h = Histogram::from_text(std::string(v.as_string()));
    if (!h) throw std::runtime_error("a histogram in a load test result is malformed");
    return *h;
}

}  // namespace

std::string result_text(const RunResult& r) {
    auto all = r.overall();
    char head[256];
    std::snprintf(head, sizeof head, "requests %llu in %.1f s: %.1f/s; errors %llu\n",
                  static_cast<unsigned long long>(all.count), r.seconds, r.rps(all),
                  static_cast<unsigned long long>(all.errors));
    std::string out = head;
    std::snprintf(
        head, sizeof head, "latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
        ms(all.latency.value_at(0.5)), ms(all.latency.value_at(0.9)),
        ms(all.latency.value_at(0.99)), ms(all.latency.value_at(0.999)), ms(all.latency.max()));
    out += head;
    if (r.steps.size() > 1) {
        std::snprintf(head, sizeof head, "%-28s %10s %8s %10s %9s %9s %9s %9s %9s\n", "step",
                      "count", "errors", "per s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
                      "max ms");
        out += head;
        for (std::size_t i = 0; i < r.steps.size(); ++i)
            out += line(i < r.step_names.size() ? r.step_names[i] : "?", r.steps[i],
                        r.rps(r.steps[i]));
    }
    for (const auto& [kind, n] : all.errors_by_kind)
        out += "  error " + kind + ": " + std::to_string(n) + "\n";
    if (r.events.opened || r.events.failed)
        out += "events sockets " + std::to_string(r.events.opened) + " opened, " +
               std::to_string(r.events.failed) + " failed; " + std::to_string(r.events.received) +
               " events received\n";
    out += "peak users " + std::to_string(r.peak_users()) + ", peak connections " +
           std::to_string(r.peak_connections()) + "\n";
    return out;
}

std::string result_json(const RunResult& r) {
    auto all = r.overall();
    auto o = summary(all, r.rps(all));
    o["seconds"] = r.seconds;
    json::object steps;
    for (std::size_t i = 0; i < r.steps.size() && i < r.step_names.size(); ++i)
        steps[r.step_names[i]] = summary(r.steps[i], r.rps(r.steps[i]));
    o["steps"] = std::move(steps);
    json::array timeline;
    for (const auto& s : r.timeline)
        timeline.push_back(json::object{{"requests", s.requests},
                                        {"errors", s.errors},
                                        {"p50", ms(s.latency.value_at(0.5))},
                                        {"p99", ms(s.latency.value_at(0.99))},
                                        {"users", s.users},
                                        {"connections", s.connections},
                                        {"events", s.events}});
    o["timeline"] = std::move(timeline);
    o["events"] = {
        {"opened", r.events.opened}, {"failed", r.events.failed}, {"received", r.events.received}};
    o["peak_users"] = r.peak_users();
    o["peak_connections"] = r.peak_connections();
    return json::serialize(o);
}

std::string serialize(const RunResult& r) {
    json::array steps;
    for (const auto& s : r.steps) {
        json::object kinds;
        for (const auto& [kind, n] : s.errors_by_kind) kinds[kind] = n;
        steps.push_back(json::object{{"latency", s.latency.to_text()},
                                     {"count", s.count},
                                     {"errors", s.errors},
                                     {"kinds", std::move(kinds)}});
    }
    json::array timeline;
    for (const auto& s : r.timeline)
        timeline.push_back(json::array{s.requests, s.errors, s.latency.to_text(), s.users,
                                       s.connections, s.events});
    json::array names;
    for (const auto& n : r.step_names) names.push_back(json::string(n));
    return json::serialize(
        json::object{{"names", std::move(names)},
                     {"steps", std::move(steps)},
                     {"timeline", std::move(timeline)},
                     {"events", json::array{r.events.opened, r.events.failed, r.events.received}},
                     {"seconds", r.seconds}});
}

RunResult deserialize(const std::string& text) {
    try {
        auto v = json::parse(text);
        const auto& o = v.as_object();
        RunResult r;
        for (const auto& n : o.at("names").as_array()) r.step_names.emplace_back(n.as_string());
        for (const auto& s : o.at("steps").as_array()) {
            const auto& so = s.as_object();
            StepStats st;
            st.latency = histogram(so.at("latency"));
            st.count = number(so.at("count"));
            st.errors = number(so.at("errors"));
            for (const auto& [kind, n] : so.at("kinds").as_object())
                st.errors_by_kind[std::string(kind)] = number(n);
            r.steps.push_back(std::move(st));
        }
        for (const auto& s : o.at("timeline").as_array()) {
            const auto& a = s.as_array();
            Second sec;
            sec.requests = number(a.at(0));
            sec.errors = number(a.at(1));
            sec.latency = histogram(a.at(2));
            sec.users = number(a.at(3));
            sec.connections = number(a.at(4));
            sec.events = number(a.at(5));
            r.timeline.push_back(std::move(sec));
        }
        const auto& e = o.at("events").as_array();
        r.events = {number(e.at(0)), number(e.at(1)), number(e.at(2))};
        r.seconds = o.at("seconds").to_number<double>();
        return r;
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("a load test process sent a malformed result: ") +
                                 e.what());
    }
}

}  // namespace mindme::loadgen
