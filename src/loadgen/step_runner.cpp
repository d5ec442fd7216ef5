#include "loadgen/step_runner.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "loadgen/arrivals.hpp"
#include "loadgen/events_socket.hpp"
#include "loadgen/json_path.hpp"

namespace mindme::loadgen::detail {
namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// Words for {{word}}: common enough that searches for them find what creates wrote.
constexpr const char* kWords[] = {"garden",  "meeting", "recipe", "travel", "birthday", "music",
                                  "project", "doctor",  "coffee", "river",  "holiday",  "invoice",
                                  "family",  "running", "books",  "movie",  "kitchen",  "school"};

}  // namespace

StepRunner::StepRunner(LaneState& lane, ConnectionPool& pool)
    : lane_(lane), sc_(lane.sc), pool_(pool) {}

asio::awaitable<bool> StepRunner::ensure_connected(VirtualUser& u, std::size_t step) {
    if (u.connected) co_return true;
    if (auto ec = co_await pool_.connect(u)) {
        lane_.error(step, "connect");
        // A refused user tries again a little later, not in a tight loop.
        if (!sc_.open_model) co_await think(u, std::chrono::milliseconds(10));
        co_return false;
    }
    co_return true;
}

asio::awaitable<bool> StepRunner::request(VirtualUser& u, const Step& s,
                                          std::optional<Clock::time_point>& intended) {
    if (!s.when.empty() && !u.vars.find(s.when)) co_return true;
    if (!s.unless.empty() && u.vars.find(s.unless)) co_return true;
    const auto& run = lane_.run;
    const std::string* text = nullptr;
    if (auto it = run.prebuilt.find(&s); it != run.prebuilt.end()) {
        text = &it->second;
    } else {
        if (auto missing = build_request(sc_, s, run.target.authority, u.vars, u.request)) {
            lane_.error(s.id, "variable");
            co_return false;
        }
        text = &u.request;
    }
    pool_.drop_if_closed_by_peer(u);
    if (!u.connected && !co_await ensure_connected(u, s.id)) co_return false;
    auto sent = Clock::now();
    ResponseParser parser;
    parser.body_limit(64 << 20);
    const char* failure = co_await pool_.exchange(u, *text, parser);
    auto done = Clock::now();
    u.last_used = done;
    if (failure) {
        lane_.error(s.id, failure);
        pool_.close(u);
        intended.reset();
        co_return false;
    }
    lane_.last_answer = std::max(lane_.last_answer, done);
    auto& stats = lane_.result.steps[s.id];
    auto latency =
        intended ? corrected_latency(std::chrono::duration_cast<Micros>(*intended - run.start),
                                     std::chrono::duration_cast<Micros>(sent - run.start),
                                     std::chrono::duration_cast<Micros>(done - run.start))
                 : std::chrono::duration_cast<Micros>(done - sent);
    intended.reset();
    auto us = static_cast<std::uint64_t>(latency.count());
    stats.latency.record(us);
    ++stats.count;
    auto& second = lane_.result.second(lane_.second_at(done));
    ++second.requests;
    second.latency.record(us);
    lane_.requests.fetch_add(1, std::memory_order_relaxed);
    const auto& response = parser.get();
    if (!response.keep_alive()) pool_.close(u);
    int status = response.result_int();
    bool status_ok = s.check.statuses.empty()
                         ? status < 400
                         : std::find(s.check.statuses.begin(), s.check.statuses.end(), status) !=
                               s.check.statuses.end();
    if (!status_ok) {
        lane_.error(s.id, status >= 400 ? "status_" + std::to_string(status) : "check");
        co_return false;
    }
    if (!s.check.body_contains.text().empty()) {
        std::string wanted;
        s.check.body_contains.render(u.vars, wanted);
        if (response.body().find(wanted) == std::string::npos) {
            lane_.error(s.id, "check");
            co_return false;
        }
    }
    capture(u, s, response);
    co_return true;
}

void StepRunner::capture(VirtualUser& u, const Step& s,
                         const ResponseParser::value_type& response) {
    std::optional<boost::json::value> document;
    for (const auto& c : s.captures) {
        std::optional<std::string> value;
        if (!c.header.empty()) {
            auto it = response.find(c.header);
            if (it != response.end()) value = std::string(it->value());
        } else {
            if (!document) {
                boost::system::error_code ec;
                document = boost::json::parse(response.body(), ec);
                if (ec) document = boost::json::value();
            }
            value = json_path_value(*document, c.json_path);
        }
        if (value)
            u.vars.set(c.variable, std::move(*value));
        else
            u.vars.erase(c.variable);
    }
}

asio::awaitable<void> StepRunner::think(VirtualUser& u, Micros pause) {
    if (pause.count() <= 0 || u.stopping) co_return;
    // A long pause need not hold on to the response buffer.
    if (pause > std::chrono::seconds(1)) u.buffer.shrink_to_fit();
    u.timer.expires_at(std::min(Clock::now() + pause, lane_.run.end));
    co_await u.timer.async_wait(kUseTuple);
}

asio::awaitable<bool> StepRunner::run_steps(VirtualUser& u, const std::vector<Step>& steps,
                                            std::optional<Clock::time_point>& intended) {
    for (const auto& s : steps) {
        if (u.stopping || Clock::now() >= lane_.run.end) co_return false;
        switch (s.kind) {
            case Step::Kind::request:
                if (!co_await request(u, s, intended)) co_return false;
                break;
            case Step::Kind::think:
                // The open model's pace is its arrival rate: no think times.
                if (!sc_.open_model) co_await think(u, s.think.sample(lane_.random));
                break;
            case Step::Kind::branch: {
                double total = 0;
                for (const auto& b : s.branches) total += b.weight;
                double pick = std::uniform_real_distribution<double>(0, total)(lane_.random);
                const Branch* chosen = &s.branches.back();
                for (const auto& b : s.branches) {
                    if (pick < b.weight) {
                        chosen = &b;
                        break;
                    }
                    pick -= b.weight;
                }
                if (!co_await run_steps(u, chosen->steps, intended)) co_return false;
                break;
            }
        }
    }
    co_return true;
}

// The per-pass built-ins, only those the scenario uses (they cost a request's worth of
// allocations in a plain benchmark).
void StepRunner::begin_pass(VirtualUser& u) {
    ++u.iteration;
    auto& random = lane_.random;
    if (sc_.uses("iteration")) u.vars.set("iteration", std::to_string(u.iteration));
    if (sc_.uses("word")) u.vars.set("word", kWords[random() % std::size(kWords)]);
    if (sc_.uses("rand")) u.vars.set("rand", std::to_string(random() % 1'000'000'000));
}

asio::awaitable<void> StepRunner::events(VirtualUser& u) {
    tcp::socket socket(lane_.ioc);
    auto ec = co_await pool_.connect(socket);
    auto& result = lane_.result;
    if (ec) {
        ++result.events.failed;
        co_return;
    }
    const auto* token = u.vars.find("token");
    std::string target = "/v1/events";
    if (token) target += "?token=" + *token;
    EventsHandlers handlers{[&result] { ++result.events.opened; },
                            [&result] { ++result.events.failed; },
                            [this] {
                                ++lane_.result.events.received;
                                ++lane_.result.second(lane_.second_now()).events;
                            }};
    co_await hold_events(std::move(socket), lane_.run.target.authority, target, u.stop,
                         std::move(handlers));
    pool_.closed();
}

}  // namespace mindme::loadgen::detail
