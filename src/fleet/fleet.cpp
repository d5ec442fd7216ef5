#include "fleet/fleet.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <list>
#include <map>
#include <stdexcept>
#include <thread>

#include "core/log.hpp"
#include "fleet/child_process.hpp"
#include "fleet/fleet_metrics.hpp"
#include "fleet/http_probe.hpp"
#include "metrics/process_collector.hpp"
#include "scale/keda.hpp"
#include "scale/simulation.hpp"

namespace mindme::fleet {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kProbeTimeout{2000};

// A port free on `host` now. The process started on it may still lose a race for it; it
// then exits and is replaced like any process that dies.
std::uint16_t free_port(const std::string& host) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    socklen_t len = sizeof addr;
    bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
              ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error("no free port on " + host);
    return ntohs(addr.sin_port);
}

scale::KedaSpec keda_of(const scale::PolicyFile& p) {
    scale::KedaSpec k;
    k.value = p.targets.front().value;
    k.min_replicas = p.group.min_size;
    k.max_replicas = p.group.max_size;
    k.cooldown_seconds = p.cooldowns ? p.cooldowns->scale_in_seconds : 300;
    k.polling_seconds = p.period_seconds;
    // As the exporter writes it: the scale-in cooldown is also the HPA's scale-down
    // stabilization window.
    k.behavior->scale_down.stabilization_window_seconds = k.cooldown_seconds;
    return k;
}

struct Process {
    enum class State { kStarting, kServing, kStopping };
    std::string role;
    std::string name;
    std::uint16_t port = 0;
    ChildProcess child;
    State state = State::kStarting;
    Clock::time_point since;
    int failed_checks = 0;
    bool in_balancer = false;
    std::optional<ProcessSample> period_start;  // the sample that opened this period
};

}  // namespace

void validate(const FleetOptions& o) {
    if (o.serve_policy.group.min_size < 1)
        throw std::invalid_argument("the serve policy's Min Size must be at least 1");
    if (!o.worker_policy) return;
    const auto& w = *o.worker_policy;
    if (w.targets.size() != 1 || w.targets.front().metric != scale::Metric::kQueueDepth)
        throw std::invalid_argument(
            "the worker policy scales on one target, Target Queue Depth (KEDA's rules)");
    if (!w.triggers.empty())
        throw std::invalid_argument("the worker policy takes no Auto Scaling Triggers");
    if (w.group.min_size < 1)
        throw std::invalid_argument(
            "the worker policy's Min Size must be at least 1: a worker reports the queue's depth");
}

struct Fleet::Impl {
    Impl(FleetOptions options, LoadBalancer& lb)
        : o(std::move(options)),
          balancer(lb),
          serve_engine(std::make_unique<scale::Replay>(scale::to_simulation(o.serve_policy))),
          cores(std::max(1u, std::thread::hardware_concurrency())),
          memory_limit(metrics::memory_limit_bytes()) {
        serve_desired = serve_engine->group().desired();
        if (o.worker_policy) {
            worker_engine.emplace(keda_of(*o.worker_policy));
            worker_desired = o.worker_policy->group.desired;
        }
    }

    FleetOptions o;
    LoadBalancer& balancer;
    std::unique_ptr<scale::Replay> serve_engine;
    std::optional<scale::KedaScaler> worker_engine;
    int serve_desired = 0;
    int worker_desired = 0;
    std::list<Process> processes;
    std::map<std::string, int> started_count;  // per role: names serve1, serve2, ...
    Clock::time_point started = Clock::now();
    std::int64_t next_serve_evaluation = 0;
    std::int64_t next_worker_poll = 0;
    double cores;
    double memory_limit;

    std::int64_t elapsed() const {
        return std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count();
    }

    void start(const std::string& role) {
        Process p;
        p.role = role;
        p.name = role + std::to_string(++started_count[role]);
        p.port = free_port(o.host);
        std::vector<std::string> argv{o.executable, role, "--listen",
                                      o.host + ":" + std::to_string(p.port)};
        argv.insert(argv.end(), o.child_args.begin(), o.child_args.end());
        p.child = ChildProcess::spawn(argv);
        p.since = Clock::now();
        core::log::info("fleet process started",
                        core::log::Fields()
                            .add("role", role)
                            .add("name", p.name)
                            .add("port", static_cast<std::int64_t>(p.port))
                            .add("pid", static_cast<std::int64_t>(p.child.pid())));
        processes.push_back(std::move(p));
    }

    void begin_stop(Process& p, const char* why) {
        if (p.state == Process::State::kStopping) return;
        if (p.in_balancer) try_balancer([&] { balancer.drain(p.name); }, p);
        p.child.signal(SIGTERM);  // mindme drains what it is answering, then exits
        p.state = Process::State::kStopping;
        p.since = Clock::now();
        core::log::info(
            "fleet process stopping",
            core::log::Fields().add("role", p.role).add("name", p.name).add("why", why));
    }

    template <class F>
    bool try_balancer(F&& call, const Process& p) {
        try {
            call();
            return true;
        } catch (const std::exception& e) {
            core::log::error("fleet load balancer failed",
                             core::log::Fields().add("name", p.name).add("error", e.what()));
            return false;
        }
    }

    // Reaps exited processes, checks the others' health, and stops those past their time.
    void watch() {
        for (auto it = processes.begin(); it != processes.end();) {
            auto& p = *it;
            if (!p.child.running()) {
                if (p.state != Process::State::kStopping)
                    core::log::warn("fleet process exited", core::log::Fields()
                                                                .add("role", p.role)
                                                                .add("name", p.name)
                                                                .add("status", p.child.ended()));
                if (p.in_balancer) try_balancer([&] { balancer.remove(p.name); }, p);
                it = processes.erase(it);
                continue;
            }
            auto age = Clock::now() - p.since;
            if (p.state == Process::State::kStopping) {
                if (age > o.stop_timeout) p.child.signal(SIGKILL);
            } else {
                check(p, age);
            }
            ++it;
        }
    }

    void check(Process& p, Clock::duration age) {
        auto reply = http_get(o.host, p.port, "/health", kProbeTimeout);
        bool healthy = reply && reply->status == 200;
        if (p.state == Process::State::kStarting) {
            if (healthy) {
                if (p.role == "serve" &&
                    !try_balancer([&] { balancer.add(p.name, o.host, p.port); }, p))
                    return;  // tried again next tick
                p.in_balancer = p.role == "serve";
                p.state = Process::State::kServing;
                core::log::info("fleet process serving",
                                core::log::Fields().add("role", p.role).add("name", p.name));
            } else if (age > o.start_timeout) {
                begin_stop(p, "did not answer /health in time");
                p.child.signal(SIGKILL);
            }
            return;
        }
        p.failed_checks = healthy ? 0 : p.failed_checks + 1;
        if (p.failed_checks >= o.unhealthy_after) {
            core::log::warn("fleet process unhealthy", core::log::Fields()
                                                           .add("role", p.role)
                                                           .add("name", p.name)
                                                           .add("failed_checks", p.failed_checks));
            begin_stop(p, "unhealthy");
            p.child.signal(SIGKILL);  // it is not answering: no drain to wait for
        }
    }

    std::vector<Process*> serving(const std::string& role) {
        std::vector<Process*> out;
        for (auto& p : processes)
            if (p.role == role && p.state == Process::State::kServing) out.push_back(&p);
        return out;
    }

    // Samples every serving process of `role`; pairs with the sample that opened the
    // period (a process that joined during it opens the next one).
    std::vector<std::pair<ProcessSample, ProcessSample>> sample(const std::string& role) {
        std::vector<std::pair<ProcessSample, ProcessSample>> pairs;
        for (auto* p : serving(role)) {
            auto reply = http_get(o.host, p->port, "/metrics", kProbeTimeout, o.metrics_token);
            if (!reply || reply->status != 200) continue;
            auto now = parse_sample(reply->body, metrics::sample_clock_seconds());
            if (p->period_start) pairs.emplace_back(*p->period_start, now);
            p->period_start = now;
        }
        return pairs;
    }

    void scale_serve(std::int64_t now) {
        auto period = o.serve_policy.period_seconds;
        auto m = group_metrics(sample("serve"), cores, memory_limit);
        auto t = now - period;
        if (m.instances > 0) {
            auto record = [&](scale::Metric metric, double value) {
                serve_engine->record(scale::metric_info(metric).trace_name, t, value);
            };
            record(scale::Metric::kCpu, m.cpu_percent);
            record(scale::Metric::kMemory, m.memory_percent);
            record(scale::Metric::kRequests, m.requests_per_minute);
            record(scale::Metric::kRequestsPerInstance, m.requests_per_instance_minute);
            if (m.error_rate_percent) record(scale::Metric::kErrorRate, *m.error_rate_percent);
            if (m.response_time_seconds)
                record(scale::Metric::kResponseTime, *m.response_time_seconds);
        }
        serve_engine->evaluate(now);
        int desired = serve_engine->group().desired();
        if (desired != serve_desired)
            core::log::info("fleet scaled", core::log::Fields()
                                                .add("role", "serve")
                                                .add("from", serve_desired)
                                                .add("to", desired)
                                                .add("cpu_percent", m.cpu_percent)
                                                .add("requests_per_instance_minute",
                                                     m.requests_per_instance_minute));
        serve_desired = desired;
    }

    void scale_workers(std::int64_t now) {
        double depth = 0;
        bool read = false;
        for (auto* p : serving("worker")) {
            auto reply = http_get(o.host, p->port, "/metrics", kProbeTimeout, o.metrics_token);
            if (!reply || reply->status != 200) continue;
            depth = std::max(
                depth, parse_sample(reply->body, metrics::sample_clock_seconds()).queue_depth);
            read = true;
        }
        if (!read) return;  // no worker answers yet: nothing to poll
        int desired = worker_engine->poll(now, active("worker"), depth);
        if (desired != worker_desired)
            core::log::info("fleet scaled", core::log::Fields()
                                                .add("role", "worker")
                                                .add("from", worker_desired)
                                                .add("to", desired)
                                                .add("queue_depth", depth));
        worker_desired = desired;
    }

    int active(const std::string& role) const {
        return static_cast<int>(std::count_if(processes.begin(), processes.end(), [&](auto& p) {
            return p.role == role && p.state != Process::State::kStopping;
        }));
    }

    // Starts or stops processes until each group has its desired count; the newest go
    // first on the way down.
    void reconcile(const std::string& role, int desired) {
        for (int n = active(role); n < desired; ++n) start(role);
        for (int n = active(role); n > desired; --n) {
            for (auto it = processes.rbegin(); it != processes.rend(); ++it)
                if (it->role == role && it->state != Process::State::kStopping) {
                    begin_stop(*it, "scaled in");
                    break;
                }
        }
    }

    void tick() {
        watch();
        auto now = elapsed();
        if (now >= next_serve_evaluation) {
            scale_serve(next_serve_evaluation);
            next_serve_evaluation += o.serve_policy.period_seconds;
        }
        if (worker_engine && now >= next_worker_poll) {
            scale_workers(next_worker_poll);
            next_worker_poll += o.worker_policy->period_seconds;
        }
        reconcile("serve", serve_desired);
        if (worker_engine) reconcile("worker", worker_desired);
    }

    std::string published;  // the targets file's content as last written

    // Lists the processes that are not stopping for the console, replacing the file
    // whole (a reader never sees half of it), when the list changed.
    void publish_targets() {
        if (o.targets_file.empty()) return;
        std::string text;
        for (const auto& p : processes)
            if (p.state != Process::State::kStopping)
                text += p.name + " http://" + o.host + ":" + std::to_string(p.port) + "/metrics\n";
        if (text == published) return;
        auto temporary = o.targets_file + ".new";
        {
            std::ofstream out(temporary, std::ios::trunc);
            out << text;
            if (!out.flush()) {
                core::log::error("fleet cannot write its targets file",
                                 core::log::Fields().add("path", temporary));
                return;
            }
        }
        std::error_code ec;
        std::filesystem::rename(temporary, o.targets_file, ec);
        if (ec) {
            core::log::error(
                "fleet cannot write its targets file",
                core::log::Fields().add("path", o.targets_file).add("error", ec.message()));
            return;
        }
        published = std::move(text);
    }

    void shut_down() {
        for (auto& p : processes) begin_stop(p, "fleet stopping");
        auto deadline = Clock::now() + o.stop_timeout;
        for (auto& p : processes) {
            auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
            p.child.stop(std::max(left, milliseconds(0)));
            if (p.in_balancer) try_balancer([&] { balancer.remove(p.name); }, p);
        }
        processes.clear();
    }
};

namespace {
FleetOptions validated(FleetOptions options) {
    validate(options);  // before Impl reads the worker policy's target
    return options;
}
}  // namespace

Fleet::Fleet(FleetOptions options, LoadBalancer& balancer)
    : impl_(std::make_unique<Impl>(validated(std::move(options)), balancer)) {}

Fleet::~Fleet() = default;

int Fleet::run(const sigset_t& stop_signals) {
    auto& i = *impl_;
    i.started = Clock::now();
    i.next_serve_evaluation = i.o.serve_policy.period_seconds;
    if (i.o.worker_policy) i.next_worker_poll = i.o.worker_policy->period_seconds;
    core::log::info(
        "fleet starting",
        core::log::Fields().add("serve", i.serve_desired).add("workers", i.worker_desired));
    for (;;) {
        i.reconcile("serve", i.serve_desired);
        if (i.worker_engine) i.reconcile("worker", i.worker_desired);
        i.publish_targets();
        // The loop's timer: a stop signal, or the next tick.
        auto tick = i.o.tick;
        timespec wait{static_cast<time_t>(tick.count() / 1000),
                      static_cast<long>(tick.count() % 1000) * 1'000'000};
        int signal_number = ::sigtimedwait(&stop_signals, nullptr, &wait);
        if (signal_number > 0) {
            core::log::info(
                "fleet stopping",
                core::log::Fields().add("signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"));
            i.shut_down();
            return 0;
        }
        i.tick();
    }
}

}  // namespace mindme::fleet
