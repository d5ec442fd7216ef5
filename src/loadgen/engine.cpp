#include "loadgen/engine.hpp"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "loadgen/arrivals.hpp"
#include "loadgen/connector.hpp"
#include "loadgen/events_socket.hpp"
#include "loadgen/json_path.hpp"

namespace mindme::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

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

// Words for {{word}}: common enough that searches for them find what creates wrote.
constexpr const char* kWords[] = {"garden",  "meeting", "recipe", "travel", "birthday", "music",
                                  "project", "doctor",  "coffee", "river",  "holiday",  "invoice",
                                  "family",  "running", "books",  "movie",  "kitchen",  "school"};

struct Target {
    tcp::endpoint endpoint;
    std::string authority;  // for Host
};

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

// Requests that never vary are written once for the whole run.
using Prebuilt = std::unordered_map<const Step*, std::string>;

// The head and body of a request; the name of a variable that was not set, if any.
std::optional<std::string> build_request(const Scenario& sc, const Step& s,
                                         const std::string& authority, const Variables& vars,
                                         std::string& out) {
    out.clear();
    out += s.method;
    out += ' ';
    if (auto missing = s.path.render(vars, out)) return missing;
    out += " HTTP/1.1\r\nHost: ";
    out += authority;
    out += "\r\nUser-Agent: mindme-loadtest\r\n";
    auto header = [&](const std::string& name,
                      const Template& value) -> std::optional<std::string> {
        out += name;
        out += ": ";
        if (auto missing = value.render(vars, out)) return missing;
        out += "\r\n";
        return std::nullopt;
    };
    for (const auto& [name, value] : sc.headers) {
        bool overridden = std::any_of(s.headers.begin(), s.headers.end(),
                                      [&](const auto& h) { return h.first == name; });
        if (!overridden)
            if (auto missing = header(name, value)) return missing;
    }
    for (const auto& [name, value] : s.headers)
        if (auto missing = header(name, value)) return missing;
    std::string rendered;
    if (s.body_bytes.empty())
        if (auto missing = s.body.render(vars, rendered)) return missing;
    const std::string& body = s.body_bytes.empty() ? rendered : s.body_bytes;
    bool has_body = !body.empty() || s.method == "POST" || s.method == "PUT";
    if (!s.content_type.empty() && has_body) out += "Content-Type: " + s.content_type + "\r\n";
    if (has_body) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "\r\n";
    out += body;
    return std::nullopt;
}

bool mentions_variables(const Scenario& sc, const Step& s) {
    auto varies = [](const Template& t) { return !t.constant(); };
    return varies(s.path) || varies(s.body) ||
           std::any_of(s.headers.begin(), s.headers.end(),
                       [&](const auto& h) { return varies(h.second); }) ||
           std::any_of(sc.headers.begin(), sc.headers.end(),
                       [&](const auto& h) { return varies(h.second); });
}

void prebuild(const Scenario& sc, const std::vector<Step>& steps, const std::string& authority,
              Prebuilt& out) {
    for (const auto& s : steps) {
        if (s.kind == Step::Kind::branch)
            for (const auto& b : s.branches) prebuild(sc, b.steps, authority, out);
        if (s.kind != Step::Kind::request || mentions_variables(sc, s)) continue;
        std::string text;
        build_request(sc, s, authority, Variables{}, text);
        out.emplace(&s, std::move(text));
    }
}

std::size_t first_request_id(const std::vector<Step>& steps) {
    for (const auto& s : steps) {
        if (s.kind == Step::Kind::request) return s.id;
        if (s.kind == Step::Kind::branch && !s.branches.empty())
            return first_request_id(s.branches.front().steps);
    }
    return 0;
}

struct Shared {
    const Scenario& scenario;
    const LoadOptions& options;
    Target target;
    Prebuilt prebuilt;
    std::optional<SourceRange> source;
    std::size_t total_lanes;
    Clock::time_point start;
    Clock::time_point end;
};

struct User {
    User(asio::io_context& ioc, std::uint64_t n) : number(n), socket(ioc), timer(ioc), stop(ioc) {}
    std::uint64_t number;  // among all users of the test
    tcp::socket socket;
    beast::flat_buffer buffer;
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

// One event loop's share of the test.
class Lane {
public:
    Lane(const Shared& shared, std::size_t index)
        : shared_(shared),
          sc_(shared.scenario),
          index_(index),
          // Lanes of all processes split the source pairs: none binds another's.
          connector_(shared.target.endpoint, shared.source, shared.options.connect_rate,
                     shared.options.first_lane + index, shared.total_lanes),
          random_(shared.options.seed * 1'000'003 + index) {
        result_.step_names = sc_.step_names;
        result_.steps.resize(sc_.step_names.size());
        first_step_ = first_request_id(sc_.journey);
        single_request_ =
            sc_.journey.size() == 1 && sc_.journey.front().kind == Step::Kind::request;
    }

    std::atomic<std::uint64_t> requests{0};  // read by the progress reporter
    std::atomic<std::uint64_t> errors{0};
    std::atomic<std::uint64_t> users_now{0};
    std::atomic<std::uint64_t> connections_now{0};
    RunResult result_;
    Clock::time_point last_answer{};

    void run() {
        asio::co_spawn(ioc_, sweeper(), asio::detached);
        if (sc_.open_model)
            asio::co_spawn(ioc_, arrivals(), asio::detached);
        else
            asio::co_spawn(ioc_, controller(), asio::detached);
        ioc_.run();
        result_.seconds =
            std::chrono::duration<double>(std::max(last_answer, shared_.start) - shared_.start)
                .count();
    }

    // The last resort that keeps every test bounded: whatever is still pending past the
    // end, the timeout and a grace period is abandoned (and counted by the caller).
    void force_stop() { ioc_.stop(); }

private:
    std::size_t second_at(Clock::time_point t) const {
        return static_cast<std::size_t>(
            std::chrono::duration_cast<std::chrono::seconds>(t - shared_.start).count());
    }
    std::size_t second_now() const { return second_at(Clock::now()); }

    void error(std::size_t step, const std::string& kind, std::uint64_t n = 1) {
        result_.steps[step].error(kind, n);
        result_.second(second_now()).errors += n;
        errors.fetch_add(n, std::memory_order_relaxed);
    }

    void sample() {
        auto& s = result_.second(second_now());
        s.users = active_;
        s.connections = connector_.open();
        users_now.store(active_, std::memory_order_relaxed);
        connections_now.store(connector_.open(), std::memory_order_relaxed);
    }

    User& make_user(std::uint64_t number) {
        users_.push_back(std::make_unique<User>(ioc_, number));
        auto& u = *users_.back();
        u.vars.set("user", std::to_string(number));
        for (const auto& [name, value] : sc_.variables) u.vars.set(name, value);
        if (!shared_.options.accounts.empty()) {
            const auto& a = shared_.options.accounts[number % shared_.options.accounts.size()];
            u.vars.set("email", a.email);
            u.vars.set("token", a.token);
        }
        // Spread evenly: user n holds the events socket when the share's running
        // count steps up at n.
        auto share = sc_.events_share;
        u.events =
            share > 0 && static_cast<std::uint64_t>(static_cast<double>(number + 1) * share) >
                             static_cast<std::uint64_t>(static_cast<double>(number) * share);
        return u;
    }

    void close(User& u) {
        if (!u.connected) return;
        boost::system::error_code ignored;
        u.socket.close(ignored);  // reopened by the connector when needed
        u.buffer.clear();
        u.connected = false;
        connector_.closed();
    }

    // A kept-alive connection the server closed while the user was thinking is
    // noticed before the request is written to it (as a browser does), not counted
    // as an error of the request.
    void drop_if_closed_by_peer(User& u) {
        if (!u.connected || Clock::now() - u.last_used < std::chrono::milliseconds(200)) return;
        char byte = 0;
        auto n = ::recv(u.socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) close(u);
    }

    // Opens the user's connection (the connector leaves the socket closed on failure).
    asio::awaitable<bool> ensure_connected(User& u, std::size_t step) {
        if (u.connected) co_return true;
        auto ec = co_await connector_.connect(u.socket);
        if (ec) {
            error(step, "connect");
            // A refused user tries again a little later, not in a tight loop.
            if (!sc_.open_model) co_await think(u, std::chrono::milliseconds(10));
            co_return false;
        }
        u.connected = true;
        u.last_used = Clock::now();
        co_return true;
    }

    asio::awaitable<const char*> exchange(User& u, const std::string& request,
                                          bhttp::response_parser<bhttp::string_body>& parser) {
        auto [wec, wn] = co_await asio::async_write(u.socket, asio::buffer(request), kUseTuple);
        if (wec) co_return "write";
        auto [rec, rn] = co_await bhttp::async_read(u.socket, u.buffer, parser, kUseTuple);
        co_return rec ? "read" : nullptr;
    }

    // One request step; false when the pass must end (an error, or a value missing).
    asio::awaitable<bool> request(User& u, const Step& s,
                                  std::optional<Clock::time_point>& intended) {
        if (!s.when.empty() && !u.vars.find(s.when)) co_return true;
        if (!s.unless.empty() && u.vars.find(s.unless)) co_return true;
        const std::string* text = nullptr;
        if (auto it = shared_.prebuilt.find(&s); it != shared_.prebuilt.end()) {
            text = &it->second;
        } else {
            if (auto missing = build_request(sc_, s, shared_.target.authority, u.vars, u.request)) {
                error(s.id, "variable");
                co_return false;
            }
            text = &u.request;
        }
        drop_if_closed_by_peer(u);
        if (!u.connected && !co_await ensure_connected(u, s.id)) co_return false;
        auto sent = Clock::now();
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(64 << 20);
        // A server that never answers costs one timeout, not the whole test.
        // The lane's sweeper cancels an exchange past its deadline: no timer per request.
        u.deadline = sent + shared_.options.timeout;
        const char* failure = co_await exchange(u, *text, parser);
        u.deadline = Clock::time_point::max();
        if (u.timed_out) {
            u.timed_out = false;
            failure = "timeout";
        }
        auto done = Clock::now();
        u.last_used = done;
        if (failure) {
            error(s.id, failure);
            close(u);
            intended.reset();
            co_return false;
        }
        last_answer = std::max(last_answer, done);
        auto& stats = result_.steps[s.id];
        auto latency = intended ? corrected_latency(
                                      std::chrono::duration_cast<Micros>(*intended - shared_.start),
                                      std::chrono::duration_cast<Micros>(sent - shared_.start),
                                      std::chrono::duration_cast<Micros>(done - shared_.start))
                                : std::chrono::duration_cast<Micros>(done - sent);
        intended.reset();
        auto us = static_cast<std::uint64_t>(latency.count());
        stats.latency.record(us);
        ++stats.count;
        auto& second = result_.second(second_at(done));
        ++second.requests;
        second.latency.record(us);
        requests.fetch_add(1, std::memory_order_relaxed);
        const auto& response = parser.get();
        if (!response.keep_alive()) close(u);
        int status = response.result_int();
        bool status_ok = s.check.statuses.empty()
                             ? status < 400
                             : std::find(s.check.statuses.begin(), s.check.statuses.end(),
                                         status) != s.check.statuses.end();
        if (!status_ok) {
            error(s.id, status >= 400 ? "status_" + std::to_string(status) : "check");
            co_return false;
        }
        if (!s.check.body_contains.text().empty()) {
            std::string wanted;
            s.check.body_contains.render(u.vars, wanted);
            if (response.body().find(wanted) == std::string::npos) {
                error(s.id, "check");
                co_return false;
            }
        }
        capture(u, s, response);
        co_return true;
    }

    void capture(User& u, const Step& s, const bhttp::response<bhttp::string_body>& response) {
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

    asio::awaitable<void> think(User& u, Micros pause) {
        if (pause.count() <= 0 || u.stopping) co_return;
        // A long pause need not hold on to the response buffer.
        if (pause > std::chrono::seconds(1)) u.buffer.shrink_to_fit();
        u.timer.expires_at(std::min(Clock::now() + pause, shared_.end));
        co_await u.timer.async_wait(kUseTuple);
    }

    asio::awaitable<bool> run_steps(User& u, const std::vector<Step>& steps,
                                    std::optional<Clock::time_point>& intended) {
        for (const auto& s : steps) {
            if (u.stopping || Clock::now() >= shared_.end) co_return false;
            switch (s.kind) {
                case Step::Kind::request:
                    if (!co_await request(u, s, intended)) co_return false;
                    break;
                case Step::Kind::think:
                    // The open model's pace is its arrival rate: no think times.
                    if (!sc_.open_model) co_await think(u, s.think.sample(random_));
                    break;
                case Step::Kind::branch: {
                    double total = 0;
                    for (const auto& b : s.branches) total += b.weight;
                    double pick = std::uniform_real_distribution<double>(0, total)(random_);
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

    // The per-pass built-ins, only those the scenario uses (they cost a request's
    // worth of allocations in a plain benchmark).
    void begin_pass(User& u) {
        ++u.iteration;
        if (sc_.uses("iteration")) u.vars.set("iteration", std::to_string(u.iteration));
        if (sc_.uses("word")) u.vars.set("word", kWords[random_() % std::size(kWords)]);
        if (sc_.uses("rand")) u.vars.set("rand", std::to_string(random_() % 1'000'000'000));
    }

    asio::awaitable<void> events(User& u) {
        tcp::socket socket(ioc_);
        auto ec = co_await connector_.connect(socket);
        if (ec) {
            ++result_.events.failed;
            co_return;
        }
        const auto* token = u.vars.find("token");
        std::string target = "/v1/events";
        if (token) target += "?token=" + *token;
        EventsHandlers handlers{[this] { ++result_.events.opened; },
                                [this] { ++result_.events.failed; },
                                [this] {
                                    ++result_.events.received;
                                    ++result_.second(second_now()).events;
                                }};
        co_await hold_events(std::move(socket), shared_.target.authority, target, u.stop,
                             std::move(handlers));
        connector_.closed();
    }

    // Closed model: a user repeats the journey, pausing between passes, until the
    // test ends or the stages call for fewer users.
    asio::awaitable<void> closed_user(User& u) {
        ++active_;
        u.stop.expires_at(shared_.end);
        if (u.events) asio::co_spawn(ioc_, events(u), asio::detached);
        // The user's connection opens as it arrives (the ramp paces connections too).
        co_await ensure_connected(u, first_step_);
        if (sc_.pause_first) co_await think(u, sc_.pause.sample(random_));
        while (!u.stopping && Clock::now() < shared_.end) {
            begin_pass(u);
            std::optional<Clock::time_point> none;
            // A one-request journey (a plain benchmark) skips a frame per request.
            if (single_request_)
                co_await request(u, sc_.journey.front(), none);
            else
                co_await run_steps(u, sc_.journey, none);
            if (sc_.pause.kind != Think::Kind::none) co_await think(u, sc_.pause.sample(random_));
        }
        close(u);
        --active_;
        u.running = false;
        u.stopping = false;
    }

    // A server that never answers costs each request one timeout, not the whole test.
    asio::awaitable<void> sweeper() {
        asio::steady_timer tick(ioc_);
        auto period =
            std::clamp<Clock::duration>(shared_.options.timeout / 10, std::chrono::milliseconds(10),
                                        std::chrono::milliseconds(250));
        auto last_call = shared_.end + shared_.options.timeout + period;
        while (Clock::now() < shared_.end || (active_ > 0 && Clock::now() < last_call)) {
            tick.expires_after(period);
            co_await tick.async_wait(kUseTuple);
            auto now = Clock::now();
            for (auto& u : users_)
                if (u->deadline <= now) {
                    u->timed_out = true;
                    u->deadline = Clock::time_point::max();
                    boost::system::error_code ignored;
                    u->socket.cancel(ignored);
                }
        }
    }

    void stop_user(User& u) {
        u.stopping = true;
        u.timer.cancel();
        u.stop.cancel();
    }

    asio::awaitable<void> controller() {
        asio::steady_timer tick(ioc_);
        auto lane = shared_.options.first_lane + index_;
        auto lanes = shared_.total_lanes;
        for (;;) {
            auto now = Clock::now();
            if (now >= shared_.end) break;
            auto elapsed = std::chrono::duration_cast<Micros>(now - shared_.start);
            auto wanted = static_cast<std::uint64_t>(sc_.target_at(elapsed));
            // Users lane, lane + lanes, lane + 2·lanes ... belong to this lane.
            std::uint64_t mine = wanted > lane ? (wanted - lane - 1) / lanes + 1 : 0;
            while (users_.size() < mine) make_user(lane + users_.size() * lanes);
            for (std::size_t j = 0; j < users_.size(); ++j) {
                auto& u = *users_[j];
                if (j < mine && !u.running) {
                    u.running = true;
                    u.stopping = false;
                    asio::co_spawn(ioc_, closed_user(u), asio::detached);
                } else if (j >= mine && u.running && !u.stopping) {
                    stop_user(u);
                }
            }
            sample();
            tick.expires_at(std::min(now + std::chrono::milliseconds(100), shared_.end));
            co_await tick.async_wait(kUseTuple);
        }
        for (auto& u : users_)
            if (u->running) stop_user(*u);
        sample();
    }

    // Open model: arrivals start passes on free users; when none is free and the pool
    // is full they wait, and their latency counts from when they were due.
    asio::awaitable<void> open_user(User& u, Clock::time_point due) {
        ++active_;
        for (;;) {
            begin_pass(u);
            std::optional<Clock::time_point> intended = due;
            co_await run_steps(u, sc_.journey, intended);
            if (waiting_.empty() || Clock::now() >= shared_.end) break;
            due = waiting_.front();
            waiting_.pop_front();
        }
        --active_;
        idle_.push_back(&u);
    }

    asio::awaitable<void> arrivals() {
        auto lanes = static_cast<double>(shared_.total_lanes);
        std::vector<RateStage> stages;
        for (const auto& s : sc_.stages) stages.push_back({s.duration, s.target / lanes});
        ArrivalSchedule schedule(0, std::move(stages));
        asio::steady_timer wait(ioc_);
        auto pool = std::max<std::size_t>(1, shared_.options.pool / shared_.total_lanes);
        auto lane = shared_.options.first_lane + index_;
        auto next_sample = Clock::now();
        while (auto offset = schedule.next()) {
            auto due = shared_.start + *offset;
            if (due >= shared_.end) break;
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
                asio::co_spawn(ioc_, open_user(*u, due), asio::detached);
            } else if (users_.size() < pool) {
                auto& u = make_user(lane + users_.size() * shared_.total_lanes);
                asio::co_spawn(ioc_, open_user(u, due), asio::detached);
            } else if (waiting_.size() < kMaxWaiting) {
                waiting_.push_back(due);
            } else {
                error(first_step_, "dropped");
            }
        }
        sample();
        // Arrivals still waiting at the end were never sent: counted, not lost.
        if (!waiting_.empty()) error(first_step_, "not_sent", waiting_.size());
        waiting_.clear();
        for (auto* u : idle_) close(*u);
        // Users still busy close when their pass ends.
        while (active_ > 0 && Clock::now() < shared_.end + shared_.options.timeout) {
            wait.expires_after(std::chrono::milliseconds(50));
            co_await wait.async_wait(kUseTuple);
        }
        for (auto& u : users_) close(*u);
    }

    static constexpr std::size_t kMaxWaiting = 1'000'000;

    const Shared& shared_;
    const Scenario& sc_;
    std::size_t index_;
    asio::io_context ioc_{1};
    Connector connector_;
    std::mt19937_64 random_;
    std::vector<std::unique_ptr<User>> users_;
    std::vector<User*> idle_;
    std::deque<Clock::time_point> waiting_;
    std::uint64_t active_ = 0;
    std::size_t first_step_ = 0;
    bool single_request_ = false;
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
    Shared shared{scenario, options, resolve(scenario.base_url, options.allow_remote),
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
                p.requests += l->requests.load(std::memory_order_relaxed);
                p.errors += l->errors.load(std::memory_order_relaxed);
                p.users += l->users_now.load(std::memory_order_relaxed);
                p.connections += l->connections_now.load(std::memory_order_relaxed);
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
    for (auto& l : lanes) total.merge(l->result_);
    return total;
}

}  // namespace mindme::loadgen
