#include "cmd/supervisor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <stdexcept>
#include <string>

#include "core/clock.hpp"

namespace mindme::cmd {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollInterval{200};
constexpr std::chrono::seconds kRestartDelay{1};
// More restarts than this within the window means something is wrong for good.
constexpr std::size_t kMaxRestarts = 10;
constexpr std::chrono::seconds kRestartWindow{60};

// The supervisor has no logging thread (it must not have threads when it forks):
// it writes the same JSON lines itself.
void log_line(const char* level, const std::string& msg, const std::string& fields = "") {
    std::fprintf(stderr, "{\"ts\":\"%s\",\"level\":\"%s\",\"log\":\"mindme\",\"msg\":\"%s\"%s}\n",
                 core::format_rfc3339_ms(core::now_ms()).c_str(), level, msg.c_str(),
                 fields.c_str());
    std::fflush(stderr);
}

// A bound, not listening, SO_REUSEPORT socket: holds the port for the children (the
// kernel gives connections only to listening sockets). Returns the fd and the port.
std::pair<int, std::uint16_t> reserve_port(const std::string& host, std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind " + host + ":" + std::to_string(port));
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    return {fd, ntohs(addr.sin_port)};
}

std::string describe(int status) {
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

}  // namespace

int run_supervised(const SupervisorOptions& options,
                   const std::function<void(std::uint16_t)>& prepare,
                   const std::function<int(std::uint16_t)>& serve, const sigset_t& stop_signals) {
    int reserved = -1;
    std::uint16_t port = options.port;
    try {
        auto [fd, chosen] = reserve_port(options.host, options.port);
        reserved = fd;
        port = chosen;
        prepare(port);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mindme: cannot start: %s\n", e.what());
        if (reserved >= 0) ::close(reserved);
        return 1;
    }

    std::map<pid_t, std::size_t> children;  // pid → slot
    auto spawn = [&](std::size_t slot) -> bool {
        pid_t pid = ::fork();
        if (pid < 0) return false;
        if (pid == 0) {
            ::close(reserved);
            // Its own process group: a terminal's Ctrl-C reaches the supervisor only,
            // which stops the processes in order (a second signal would skip their drain).
            ::setpgid(0, 0);
            std::_Exit(serve(port));
        }
        children[pid] = slot;
        return true;
    };
    for (std::size_t slot = 0; slot < options.processes; ++slot)
        if (!spawn(slot)) {
            log_line("error", "cannot fork a serve process");
            break;
        }
    log_line(
        "info", "supervising",
        ",\"processes\":" + std::to_string(children.size()) + ",\"port\":" + std::to_string(port));

    bool stopping = false;
    bool failed = children.size() < options.processes;
    std::deque<SteadyClock::time_point> restarts;
    std::map<std::size_t, SteadyClock::time_point> pending;  // slot → restart time
    SteadyClock::time_point kill_at{};
    auto stop_all = [&](bool failure) {
        if (stopping) return;
        stopping = true;
        failed |= failure;
        pending.clear();
        for (const auto& [pid, slot] : children) ::kill(pid, SIGTERM);
        kill_at = SteadyClock::now() + options.stop_timeout;
    };
    if (failed) stop_all(true);

    while (!children.empty() || (!stopping && !pending.empty())) {
        timespec wait{0,
                      std::chrono::duration_cast<std::chrono::nanoseconds>(kPollInterval).count()};
        int sig = ::sigtimedwait(&stop_signals, nullptr, &wait);
        if (sig > 0) {
            if (stopping) {  // a second signal: now
                for (const auto& [pid, slot] : children) ::kill(pid, SIGKILL);
            } else {
                log_line(
                    "info", "stopping serve processes",
                    std::string(",\"signal\":\"") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + "\"");
                stop_all(false);
            }
        }
        int status = 0;
        pid_t pid;
        while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
            auto it = children.find(pid);
            if (it == children.end()) continue;
            auto slot = it->second;
            children.erase(it);
            bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            if (stopping) {
                failed |= !clean;
                continue;
            }
            log_line(
                "warning", "serve process exited",
                ",\"pid\":" + std::to_string(pid) + ",\"status\":\"" + describe(status) + "\"");
            auto now = SteadyClock::now();
            while (!restarts.empty() && now - restarts.front() > kRestartWindow)
                restarts.pop_front();
            if (restarts.size() >= kMaxRestarts) {
                log_line("error", "serve processes keep exiting; giving up");
                stop_all(true);
                continue;
            }
            restarts.push_back(now);
            pending[slot] = now + kRestartDelay;
        }
        auto now = SteadyClock::now();
        for (auto it = pending.begin(); it != pending.end();) {
            if (it->second > now) {
                ++it;
                continue;
            }
            if (!spawn(it->first)) log_line("error", "cannot fork a serve process");
            it = pending.erase(it);
        }
        if (stopping && now > kill_at)
            for (const auto& [child, slot] : children) ::kill(child, SIGKILL);
    }
    ::close(reserved);
    return failed ? 1 : 0;
}

}  // namespace mindme::cmd
