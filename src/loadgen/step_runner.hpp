#pragma once
// A virtual user's journey through the scenario's steps: requests (rendered, sent,
// timed, checked, their values captured), think times and weighted branches; and the
// events socket a share of users holds. Included by the engine's parts only.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <vector>

#include "loadgen/connection_pool.hpp"
#include "loadgen/lane.hpp"

namespace mindme::loadgen::detail {

class StepRunner {
public:
    StepRunner(LaneState& lane, ConnectionPool& pool);

    // Starts a pass of the journey: the per-pass built-ins ({{iteration}}, {{word}}, ...).
    void begin_pass(VirtualUser& u);
    // Runs `steps`; false when the pass must end (an error, a value missing, the end).
    // `intended`: when the open model's arrival was due (its latency counts from then).
    asio::awaitable<bool> run_steps(VirtualUser& u, const std::vector<Step>& steps,
                                    std::optional<Clock::time_point>& intended);
    // One request step; false when the pass must end.
    asio::awaitable<bool> request(VirtualUser& u, const Step& s,
                                  std::optional<Clock::time_point>& intended);
    // Opens the user's connection, counting a failure against `step`.
    asio::awaitable<bool> ensure_connected(VirtualUser& u, std::size_t step);
    // Waits `pause` (cut short by the test's end or the user's stop).
    asio::awaitable<void> think(VirtualUser& u, Micros pause);
    // Holds the user's /v1/events socket until the user stops.
    asio::awaitable<void> events(VirtualUser& u);

private:
    void capture(VirtualUser& u, const Step& s, const ResponseParser::value_type& response);

    LaneState& lane_;
    const Scenario& sc_;
    ConnectionPool& pool_;
};

}  // namespace mindme::loadgen::detail
