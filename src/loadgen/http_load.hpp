#pragma once
// The simplest load: one request (method, URL) over C keep-alive connections, either
// back to back (closed model, as wrk) or at an arrival rate (open model, as wrk2:
// latency from the intended start). Runs on one event loop per thread. Loopback only
// unless allow_remote.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "loadgen/histogram.hpp"

namespace mindme::loadgen {

// What a running load test has done so far (for a live progress line).
struct Progress {
    std::chrono::milliseconds elapsed{0};
    std::chrono::milliseconds duration{0};
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
};

struct HttpLoadOptions {
    std::string url;  // http://host:port/path
    std::string method = "GET";
    std::size_t connections = 10;
    std::size_t threads = 1;
    std::chrono::milliseconds duration{10'000};
    double rate = 0;  // requests per second over all connections; 0: closed model
    std::chrono::milliseconds timeout{10'000};  // per request
    bool allow_remote = false;
    // Called about once a second from the calling thread while the test runs.
    std::function<void(const Progress&)> on_progress;
};

struct HttpLoadResult {
    Histogram latency;                                    // microseconds
    std::uint64_t count = 0;                              // responses received
    std::uint64_t errors = 0;                             // all kinds
    std::map<std::string, std::uint64_t> errors_by_kind;  // connect, read, status_5xx, ...
    double seconds = 0;
    double rps() const { return seconds > 0 ? static_cast<double>(count) / seconds : 0; }
};

// Throws std::invalid_argument for a bad URL or a non-loopback target without
// allow_remote.
HttpLoadResult run_http_load(const HttpLoadOptions& options);

// "500ms", "30s", "2m", "1h" (a bare number is seconds); nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

// A short human summary: requests, rate, errors, latency percentiles.
std::string result_text(const HttpLoadResult& result);

// The result as JSON: count, errors, rps, p50, p90, p99, p999, max (ms), errors_by_kind.
std::string result_json(const HttpLoadResult& result);

}  // namespace mindme::loadgen
