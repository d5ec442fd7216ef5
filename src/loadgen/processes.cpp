#include "loadgen/processes.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace mindme::loadgen {

namespace {

void write_all(int fd, const std::string& text) {
    std::size_t at = 0;
    while (at < text.size()) {
        auto n = ::write(fd, text.data() + at, text.size() - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the parent is gone: nothing to report to
        at += static_cast<std::size_t>(n);
    }
}

// The child's side: run its lanes, report progress lines ("P ...") and the result
// ("R <serialized>") or the failure ("E <message>") on `fd`.
[[noreturn]] void child(const Scenario& scenario, LoadOptions options, std::size_t index,
                        std::size_t processes, int fd) {
    int code = 0;
    try {
        options.first_lane = index * options.threads;
        options.total_lanes = processes * options.threads;
        options.seed = options.seed * 7919 + index;
        if (options.on_progress)
            options.on_progress = [fd](const Progress& p) {
                char line[160];
                std::snprintf(line, sizeof line, "P %llu %llu %llu %llu\n",
                              static_cast<unsigned long long>(p.requests),
                              static_cast<unsigned long long>(p.errors),
                              static_cast<unsigned long long>(p.users),
                              static_cast<unsigned long long>(p.connections));
                write_all(fd, line);
            };
        auto result = run_load(scenario, options);
        write_all(fd, "R " + serialize(result) + "\n");
    } catch (const std::exception& e) {
        std::string message = e.what();
        for (auto& c : message)
            if (c == '\n') c = ' ';
        write_all(fd, "E " + message + "\n");
        code = 1;
    }
    ::close(fd);
    std::_Exit(code);
}

struct Child {
    pid_t pid = -1;
    int fd = -1;
    std::string pending;  // a partial line
    Progress progress;
    std::optional<RunResult> result;
    std::string failure;
};

void take_line(Child& c, const std::string& line) {
    if (line.rfind("P ", 0) == 0) {
        unsigned long long r = 0, e = 0, u = 0, k = 0;
        if (std::sscanf(line.c_str() + 2, "%llu %llu %llu %llu", &r, &e, &u, &k) == 4)
            c.progress = {{}, {}, r, e, u, k};
    } else if (line.rfind("R ", 0) == 0) {
        c.result = deserialize(line.substr(2));
    } else if (line.rfind("E ", 0) == 0) {
        c.failure = line.substr(2);
    }
}

}  // namespace

RunResult run_load_in_processes(const Scenario& scenario, const LoadOptions& options,
                                std::size_t processes) {
    if (processes <= 1) return run_load(scenario, options);
    validate_load(scenario, options);  // a usage error is reported once, not per process
    std::vector<Child> children(processes);
    for (std::size_t i = 0; i < processes; ++i) {
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for a load process");
        auto pid = ::fork();
        if (pid < 0) throw std::runtime_error("cannot fork a load process");
        if (pid == 0) {
            ::close(fds[0]);
            for (std::size_t j = 0; j < i; ++j) ::close(children[j].fd);
            child(scenario, options, i, processes, fds[1]);
        }
        ::close(fds[1]);
        children[i].pid = pid;
        children[i].fd = fds[0];
    }
    auto start = std::chrono::steady_clock::now();
    auto next_report = start + std::chrono::seconds(1);
    std::size_t open = processes;
    while (open > 0) {
        std::vector<pollfd> polled;
        std::vector<Child*> owners;
        for (auto& c : children)
            if (c.fd >= 0) {
                polled.push_back({c.fd, POLLIN, 0});
                owners.push_back(&c);
            }
        ::poll(polled.data(), polled.size(), 250);
        for (std::size_t i = 0; i < polled.size(); ++i) {
            if (!polled[i].revents) continue;
            auto& c = *owners[i];
            char buffer[65536];
            auto n = ::read(c.fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                ::close(c.fd);
                c.fd = -1;
                --open;
                continue;
            }
            c.pending.append(buffer, static_cast<std::size_t>(n));
            for (auto nl = c.pending.find('\n'); nl != std::string::npos;
                 nl = c.pending.find('\n')) {
                take_line(c, c.pending.substr(0, nl));
                c.pending.erase(0, nl + 1);
            }
        }
        auto now = std::chrono::steady_clock::now();
        if (options.on_progress && now >= next_report && open > 0) {
            next_report = now + std::chrono::seconds(1);
            Progress sum;
            sum.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
            sum.duration = std::chrono::duration_cast<std::chrono::milliseconds>(scenario.length());
            for (const auto& c : children) {
                sum.requests += c.progress.requests;
                sum.errors += c.progress.errors;
                sum.users += c.progress.users;
                sum.connections += c.progress.connections;
            }
            options.on_progress(sum);
        }
    }
    RunResult total;
    std::string failures;
    for (std::size_t i = 0; i < processes; ++i) {
        auto& c = children[i];
        int status = 0;
        while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (c.result) {
            total.merge(*c.result);
        } else {
            if (c.failure.empty())
                c.failure = WIFSIGNALED(status)
                                ? "killed by signal " + std::to_string(WTERMSIG(status))
                                : "exited without a result";
            failures += (failures.empty() ? "" : "; ") + std::string("process ") +
                        std::to_string(i) + ": " + c.failure;
        }
    }
    if (!failures.empty()) throw std::runtime_error(failures);
    return total;
}

}  // namespace mindme::loadgen
