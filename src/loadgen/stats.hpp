#pragma once
// What a load test measured: per step (by name) and per second of the run, in a form
// that adds up exactly across threads and processes.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loadgen/histogram.hpp"

namespace mindme::loadgen {

struct StepStats {
    Histogram latency;                                    // microseconds, of answered requests
    std::uint64_t count = 0;                              // answers received
    std::uint64_t errors = 0;                             // all kinds, answered or not
    std::map<std::string, std::uint64_t> errors_by_kind;  // connect, timeout, status_503, check...

    void error(const std::string& kind, std::uint64_t n = 1);
    void merge(const StepStats& other);
    // Attempts that got no answer (connect, read, write, timeout) count as attempts too.
    double error_rate() const;
};

// One second of the run.
struct Second {
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    Histogram latency;
    std::uint64_t users = 0;        // active virtual users (at the second's end)
    std::uint64_t connections = 0;  // open, HTTP and events
    std::uint64_t events = 0;       // events received on /v1/events
};

struct EventsStats {
    std::uint64_t opened = 0;    // sockets that completed the upgrade
    std::uint64_t failed = 0;    // could not open, or closed by the server early
    std::uint64_t received = 0;  // messages
    void merge(const EventsStats& other);
};

struct RunResult {
    std::vector<std::string> step_names;
    std::vector<StepStats> steps;  // by step id
    std::vector<Second> timeline;
    EventsStats events;
    double seconds = 0;  // from the start to the last answer

    StepStats overall() const;
    double rps(const StepStats& s) const {
        return seconds > 0 ? static_cast<double>(s.count) / seconds : 0;
    }
    std::uint64_t peak_users() const;
    std::uint64_t peak_connections() const;
    void merge(const RunResult& other);
    Second& second(std::size_t index);  // grows the timeline
};

// The human summary: one line per step and the total, errors by kind, events.
std::string result_text(const RunResult& result);
// The JSON result: overall count, errors, rps, p50, p90, p99, p999, max (ms),
// errors_by_kind, then "steps" (the same per step), "timeline" and "events".
std::string result_json(const RunResult& result);

// Lossless text form, for the processes of one test to send theirs to the parent.
std::string serialize(const RunResult& result);
RunResult deserialize(const std::string& text);  // throws std::runtime_error

}  // namespace mindme::loadgen
