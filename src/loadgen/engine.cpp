#include "loadgen/engine.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "loadgen/connection_pool.hpp"
#include "loadgen/lane.hpp"
#include "loadgen/step_runner.hpp"
#include "loadgen/user_scheduler.hpp"

namespace mindme::loadgen {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::vector<Account> read_accounts(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("cannot read the tokens file " + path);
    std::vector<Account> accounts;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.empty()) continue;
        auto tab = line.find('\t');
        if (tab == std::string::npos || tab == 0 || tab + 1 == line.size())
            throw std::invalid_argument(path + ":" + std::to_string(n) +
                                        ": expected email<TAB>token (from mindme seed --tokens)");
        accounts.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
    if (accounts.empty()) throw std::invalid_argument("the tokens file " + path + " is empty");
    return accounts;
}

namespace {

using detail::Clock;
using detail::RunContext;
using detail::Target;

Target resolve(const std::string& base_url, bool allow_remote) {
    auto url = boost::urls::parse_uri(base_url);  // a view of base_url
    if (!url || url->scheme() != "http" || url->host().empty())
        throw std::invalid_argument("expected a base URL http://host[:port], got '" + base_url +
                                    "'");
    std::string host(url->host());
    std::string port = url->has_port() ? std::string(url->port()) : "80";
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    bool loopback = (!ec && address.is_loopback()) || host == "localhost";
    if (!loopback && !allow_remote)
        throw std::invalid_argument("the target " + host +
                                    " is not a loopback address (use --allow-remote)");
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(host, port, ec);
    if (ec || endpoints.empty()) throw std::invalid_argument("cannot resolve " + host);
    return {endpoints.begin()->endpoint(), host + ":" + port};
}

// One event loop's share of the test: its users, their connections and their steps.
class Lane {
public:
    Lane(const RunContext& run, std::size_t index)
        : state(run, index), pool_(state), steps_(state, pool_), scheduler_(state, pool_, steps_) {}

    void run() {
        auto& ioc = state.ioc;
        asio::co_spawn(ioc, pool_.sweep(), asio::detached);
        if (state.sc.open_model)
            asio::co_spawn(ioc, scheduler_.open_model(), asio::detached);
        else
            asio::co_spawn(ioc, scheduler_.closed_model(), asio::detached);
        ioc.run();
        const auto& start = state.run.start;
        state.result.seconds =
            std::chrono::duration<double>(std::max(state.last_answer, start) - start).count();
    }

    // The last resort that keeps every test bounded: whatever is still pending past the
    // end, the timeout and a grace period is abandoned (and counted by the caller).
    void force_stop() { state.ioc.stop(); }

    detail::LaneState state;

private:
    detail::ConnectionPool pool_;
    detail::StepRunner steps_;
    detail::UserScheduler scheduler_;
};

}  // namespace

namespace {

std::optional<SourceRange> source_range(const LoadOptions& options) {
    if (options.source.empty()) return std::nullopt;
    auto source = parse_source_range(options.source);
    if (!source)
        throw std::invalid_argument("--source " + options.source +
                                    " is not a 127.x.y.z/bits or a-b range of loopback addresses");
    return source;
}

}  // namespace

void validate_load(const Scenario& scenario, const LoadOptions& options) {
    if (scenario.stages.empty())
        throw std::invalid_argument("no stages: give --users or --rate, or stages in the scenario");
    if (scenario.needs_accounts && options.accounts.empty())
        throw std::invalid_argument(
            "the scenario uses {{token}} or {{email}}: give --tokens FILE "
            "(from mindme seed --users N --tokens FILE)");
    source_range(options);
    resolve(scenario.base_url, options.allow_remote);
}

// After the end and one request timeout, how long lanes may take to wind down (close
// sockets, finish close handshakes) before they are stopped.
constexpr std::chrono::seconds kStopGrace{10};

RunResult run_load(const Scenario& scenario, const LoadOptions& options) {
    validate_load(scenario, options);
    auto source = source_range(options);
    auto threads = std::max<std::size_t>(1, options.threads);
    RunContext shared{scenario, options, resolve(scenario.base_url, options.allow_remote),
                      {},       source,  options.total_lanes ? options.total_lanes : threads,
                      {},       {}};
    prebuild(scenario, scenario.journey, shared.target.authority, shared.prebuilt);
    std::vector<std::unique_ptr<Lane>> lanes;
    for (std::size_t t = 0; t < threads; ++t) lanes.push_back(std::make_unique<Lane>(shared, t));
    shared.start = Clock::now();
    shared.end = shared.start + std::chrono::duration_cast<Clock::duration>(scenario.length());
    std::vector<std::thread> running;
    std::mutex mutex;
    std::condition_variable all_done;
    std::size_t finished = 0;
    for (auto& lane : lanes)
        running.emplace_back([&, l = lane.get()] {
            l->run();
            std::lock_guard lock(mutex);
            ++finished;
            all_done.notify_all();
        });
    // The calling thread reports progress about once a second until the lanes are
    // done (they stop at the test's end, plus at most one request's timeout).
    {
        std::unique_lock lock(mutex);
        auto give_up = shared.end + options.timeout + kStopGrace;
        bool forced = false;
        while (finished < lanes.size()) {
            all_done.wait_for(lock, std::chrono::seconds(1));
            if (!forced && Clock::now() > give_up && finished < lanes.size()) {
                forced = true;
                for (auto& l : lanes) l->force_stop();
                std::fprintf(
                    stderr,
                    "mindme loadtest: work still pending %lld s after the end; "
                    "stopped\n",
                    static_cast<long long>(
                        std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - shared.end)
                            .count()));
            }
            if (!options.on_progress || finished == lanes.size()) continue;
            Progress p;
            p.elapsed =
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - shared.start);
            p.duration = std::chrono::duration_cast<std::chrono::milliseconds>(scenario.length());
            for (auto& l : lanes) {
                p.requests += l->state.requests.load(std::memory_order_relaxed);
                p.errors += l->state.errors.load(std::memory_order_relaxed);
                p.users += l->state.users_now.load(std::memory_order_relaxed);
                p.connections += l->state.connections_now.load(std::memory_order_relaxed);
            }
            lock.unlock();
            options.on_progress(p);
            lock.lock();
        }
    }
    for (auto& t : running) t.join();
    RunResult total;
    total.step_names = scenario.step_names;
    total.steps.resize(scenario.step_names.size());
    for (auto& l : lanes) total.merge(l->state.result);
    return total;
}

}  // namespace mindme::loadgen
