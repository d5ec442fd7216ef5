#include "loadgen/user_scheduler.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "loadgen/arrivals.hpp"

namespace mindme::loadgen::detail {
namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

UserScheduler::UserScheduler(LaneState& lane, ConnectionPool& pool, StepRunner& steps)
    : lane_(lane), sc_(lane.sc), pool_(pool), steps_(steps) {
    first_step_ = first_request_id(sc_.journey);
    single_request_ = sc_.journey.size() == 1 && sc_.journey.front().kind == Step::Kind::request;
}

void UserScheduler::sample() {
    auto& s = lane_.result.second(lane_.second_now());
    s.users = lane_.active;
    s.connections = pool_.open();
    lane_.users_now.store(lane_.active, std::memory_order_relaxed);
    lane_.connections_now.store(pool_.open(), std::memory_order_relaxed);
}

VirtualUser& UserScheduler::make_user(std::uint64_t number) {
    lane_.users.push_back(std::make_unique<VirtualUser>(lane_.ioc, number));
    auto& u = *lane_.users.back();
    u.vars.set("user", std::to_string(number));
    for (const auto& [name, value] : sc_.variables) u.vars.set(name, value);
    const auto& accounts = lane_.run.options.accounts;
    if (!accounts.empty()) {
        const auto& a = accounts[number % accounts.size()];
        u.vars.set("email", a.email);
        u.vars.set("token", a.token);
    }
    // Spread evenly: user n holds the events socket when the share's running count
    // steps up at n.
    auto share = sc_.events_share;
    u.events = share > 0 && static_cast<std::uint64_t>(static_cast<double>(number + 1) * share) >
                                static_cast<std::uint64_t>(static_cast<double>(number) * share);
    return u;
}

void UserScheduler::stop_user(VirtualUser& u) {
    u.stopping = true;
    u.timer.cancel();
    u.stop.cancel();
}

// Closed model: a user repeats the journey, pausing between passes, until the test
// ends or the stages call for fewer users.
asio::awaitable<void> UserScheduler::closed_user(VirtualUser& u) {
    ++lane_.active;
    u.stop.expires_at(lane_.run.end);
    if (u.events) asio::co_spawn(lane_.ioc, steps_.events(u), asio::detached);
    // The user's connection opens as it arrives (the ramp paces connections too).
    co_await steps_.ensure_connected(u, first_step_);
    if (sc_.pause_first) co_await steps_.think(u, sc_.pause.sample(lane_.random));
    while (!u.stopping && Clock::now() < lane_.run.end) {
        steps_.begin_pass(u);
        std::optional<Clock::time_point> none;
        // A one-request journey (a plain benchmark) skips a frame per request.
        if (single_request_)
            co_await steps_.request(u, sc_.journey.front(), none);
        else
            co_await steps_.run_steps(u, sc_.journey, none);
        if (sc_.pause.kind != Think::Kind::none)
            co_await steps_.think(u, sc_.pause.sample(lane_.random));
    }
    pool_.close(u);
    --lane_.active;
    u.running = false;
    u.stopping = false;
}

asio::awaitable<void> UserScheduler::closed_model() {
    asio::steady_timer tick(lane_.ioc);
    const auto& run = lane_.run;
    auto lane = lane_.lane();
    auto lanes = run.total_lanes;
    auto& users = lane_.users;
    for (;;) {
        auto now = Clock::now();
        if (now >= run.end) break;
        auto elapsed = std::chrono::duration_cast<Micros>(now - run.start);
        auto wanted = static_cast<std::uint64_t>(sc_.target_at(elapsed));
        // Users lane, lane + lanes, lane + 2·lanes ... belong to this lane.
        std::uint64_t mine = wanted > lane ? (wanted - lane - 1) / lanes + 1 : 0;
        while (users.size() < mine) make_user(lane + users.size() * lanes);
        for (std::size_t j = 0; j < users.size(); ++j) {
            auto& u = *users[j];
            if (j < mine && !u.running) {
                u.running = true;
                u.stopping = false;
                asio::co_spawn(lane_.ioc, closed_user(u), asio::detached);
            } else if (j >= mine && u.running && !u.stopping) {
                stop_user(u);
            }
        }
        sample();
        tick.expires_at(std::min(now + std::chrono::milliseconds(100), run.end));
        co_await tick.async_wait(kUseTuple);
    }
    for (auto& u : users)
        if (u->running) stop_user(*u);
    sample();
}

asio::awaitable<void> UserScheduler::open_user(VirtualUser& u, Clock::time_point due) {
    ++lane_.active;
    for (;;) {
        steps_.begin_pass(u);
        std::optional<Clock::time_point> intended = due;
        co_await steps_.run_steps(u, sc_.journey, intended);
        if (waiting_.empty() || Clock::now() >= lane_.run.end) break;
        due = waiting_.front();
        waiting_.pop_front();
    }
    --lane_.active;
    idle_.push_back(&u);
}

asio::awaitable<void> UserScheduler::open_model() {
    const auto& run = lane_.run;
    auto lanes = static_cast<double>(run.total_lanes);
    std::vector<RateStage> stages;
    for (const auto& s : sc_.stages) stages.push_back({s.duration, s.target / lanes});
    ArrivalSchedule schedule(0, std::move(stages));
    asio::steady_timer wait(lane_.ioc);
    auto pool = std::max<std::size_t>(1, run.options.pool / run.total_lanes);
    auto lane = lane_.lane();
    auto next_sample = Clock::now();
    while (auto offset = schedule.next()) {
        auto due = run.start + *offset;
        if (due >= run.end) break;
        if (due > Clock::now()) {
            wait.expires_at(due);
            co_await wait.async_wait(kUseTuple);
        }
        if (Clock::now() >= next_sample) {
            sample();
            next_sample = Clock::now() + std::chrono::milliseconds(100);
        }
        if (!idle_.empty()) {
            auto* u = idle_.back();
            idle_.pop_back();
            asio::co_spawn(lane_.ioc, open_user(*u, due), asio::detached);
        } else if (lane_.users.size() < pool) {
            auto& u = make_user(lane + lane_.users.size() * run.total_lanes);
            asio::co_spawn(lane_.ioc, open_user(u, due), asio::detached);
        } else if (waiting_.size() < kMaxWaiting) {
            waiting_.push_back(due);
        } else {
            lane_.error(first_step_, "dropped");
        }
    }
    sample();
    // Arrivals still waiting at the end were never sent: counted, not lost.
    if (!waiting_.empty()) lane_.error(first_step_, "not_sent", waiting_.size());
    waiting_.clear();
    for (auto* u : idle_) pool_.close(*u);
    // Users still busy close when their pass ends.
    while (lane_.active > 0 && Clock::now() < run.end + run.options.timeout) {
        wait.expires_after(std::chrono::milliseconds(50));
        co_await wait.async_wait(kUseTuple);
    }
    for (auto& u : lane_.users) pool_.close(*u);
}

}  // namespace mindme::loadgen::detail
