#pragma once
// What the parts of one lane (an event loop's share of a load test) share: the run's
// settings, the lane's virtual users, its random source and its results. The parts are
// the user scheduler (who runs when), the connection pool (users' connections and
// their deadlines) and the step runner (a user's journey, request by request).
// Included by the engine's parts only (Asio, Beast).
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "loadgen/connector.hpp"
#include "loadgen/engine.hpp"
#include "loadgen/request_builder.hpp"

namespace mindme::loadgen::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Target {
    tcp::endpoint endpoint;
    std::string authority;  // for Host
};

// The run, as every lane of this process sees it.
struct RunContext {
    const Scenario& scenario;
    const LoadOptions& options;
    Target target;
    Prebuilt prebuilt;
    std::optional<SourceRange> source;
    std::size_t total_lanes;
    Clock::time_point start;
    Clock::time_point end;
};

struct VirtualUser {
    VirtualUser(asio::io_context& ioc, std::uint64_t n)
        : number(n), socket(ioc), timer(ioc), stop(ioc) {}
    std::uint64_t number;  // among all users of the test
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
    bool connected = false;
    Clock::time_point last_used{};
    Variables vars;
    std::uint64_t iteration = 0;
    asio::steady_timer timer;                               // think times
    Clock::time_point deadline = Clock::time_point::max();  // of the request in flight
    bool timed_out = false;
    asio::steady_timer stop;  // fires (or is cancelled) when the user must stop
    bool stopping = false;
    bool running = false;
    bool events = false;
    std::string request;
};

struct LaneState {
    LaneState(const RunContext& r, std::size_t i)
        : run(r), sc(r.scenario), index(i), random(r.options.seed * 1'000'003 + i) {
        result.step_names = sc.step_names;
        result.steps.resize(sc.step_names.size());
    }

    const RunContext& run;
    const Scenario& sc;
    std::size_t index;  // among this process's lanes
    asio::io_context ioc{1};
    std::mt19937_64 random;
    std::vector<std::unique_ptr<VirtualUser>> users;
    std::uint64_t active = 0;  // users in a pass

    RunResult result;
    Clock::time_point last_answer{};
    std::atomic<std::uint64_t> requests{0};  // read by the progress reporter
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> users_now{0};
    std::atomic<std::uint64_t> connections_now{0};

    // This lane among the lanes of every process.
    std::size_t lane() const { return run.options.first_lane + index; }

    std::size_t second_at(Clock::time_point t) const {
        return static_cast<std::size_t>(
            std::chrono::duration_cast<std::chrono::seconds>(t - run.start).count());
    }
    std::size_t second_now() const { return second_at(Clock::now()); }

    void error(std::size_t step, const std::string& kind, std::uint64_t n = 1) {
        result.steps[step].error(kind, n);
        result.second(second_now()).errors += n;
        errors.fetch_add(n, std::memory_order_relaxed);
    }
};

}  // namespace mindme::loadgen::detail
