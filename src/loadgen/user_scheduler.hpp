#pragma once
// Who runs when, in one lane. Closed model: the stages' user count, this lane's share of
// it, each user repeating the journey with pauses between passes. Open model: arrivals
// at the stages' rate start passes on free users, from a pool that grows as arrivals
// find none free; past the pool they wait, their latency counted from when they were
// due. Samples the lane's users and connections for the timeline. Included by the
// engine's parts only.
#include <boost/asio/awaitable.hpp>
#include <deque>
#include <vector>

#include "loadgen/connection_pool.hpp"
#include "loadgen/lane.hpp"
#include "loadgen/step_runner.hpp"

namespace mindme::loadgen::detail {

class UserScheduler {
public:
    UserScheduler(LaneState& lane, ConnectionPool& pool, StepRunner& steps);

    // Runs the closed model until the end (and stops every user).
    asio::awaitable<void> closed_model();
    // Runs the open model until the end (and waits for passes under way).
    asio::awaitable<void> open_model();

private:
    VirtualUser& make_user(std::uint64_t number);
    void sample();
    void stop_user(VirtualUser& u);
    asio::awaitable<void> closed_user(VirtualUser& u);
    asio::awaitable<void> open_user(VirtualUser& u, Clock::time_point due);

    static constexpr std::size_t kMaxWaiting = 1'000'000;

    LaneState& lane_;
    const Scenario& sc_;
    ConnectionPool& pool_;
    StepRunner& steps_;
    std::vector<VirtualUser*> idle_;
    std::deque<Clock::time_point> waiting_;
    std::size_t first_step_ = 0;
    bool single_request_ = false;
};

}  // namespace mindme::loadgen::detail
