#include "fleet/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace mindme::fleet {

ChildProcess ChildProcess::spawn(const std::vector<std::string>& argv) {
    // Everything the child needs is built before fork: between fork and exec only
    // async-signal-safe calls are allowed (the log has a thread of its own).
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    sigset_t none;
    sigemptyset(&none);
    int report[2];  // the exec's errno, or closed by a successful exec
    if (::pipe2(report, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(report[0]);
        ::close(report[1]);
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        // A process group of its own: a terminal's Ctrl-C (or a `timeout`) reaches the
        // fleet alone, which then drains its processes one signal each. They stop with
        // the fleet even when it is killed outright.
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(127);  // the fleet died before the prctl
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        for (int s : {SIGTERM, SIGINT, SIGPIPE}) ::sigaction(s, &dfl, nullptr);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the fleet blocks these to wait for them
        ::execve(args[0], args.data(), environ);
        int error = errno;
        [[maybe_unused]] auto n = ::write(report[1], &error, sizeof error);
        ::_exit(127);
    }
    ::close(report[1]);
    int error = 0;
    auto n = ::read(report[0], &error, sizeof error);
    ::close(report[0]);
    if (n == sizeof error) {
        ::waitpid(pid, nullptr, 0);
        throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(error));
    }
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        throw std::runtime_error(std::string("pidfd_open: ") + std::strerror(errno));
    }
    return ChildProcess(pid, pidfd);
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(o.pid_), pidfd_(o.pidfd_), ended_(std::move(o.ended_)) {
    o.pid_ = -1;
    o.pidfd_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
    if (this != &o) {
        this->~ChildProcess();
        pid_ = o.pid_;
        pidfd_ = o.pidfd_;
        ended_ = std::move(o.ended_);
        o.pid_ = -1;
        o.pidfd_ = -1;
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && running()) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        if (::waitpid(pid_, &status, 0) == pid_) reap(status);
    }
    if (pidfd_ >= 0) ::close(pidfd_);
}

void ChildProcess::reap(int status) {
    ended_ = WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                 : "exit " + std::to_string(WEXITSTATUS(status));
}

bool ChildProcess::running() {
    if (pid_ <= 0 || !ended_.empty()) return false;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0) return true;
    if (r == pid_)
        reap(status);
    else
        ended_ = "unknown";  // reaped elsewhere
    return false;
}

void ChildProcess::signal(int number) const {
    if (pid_ > 0 && ended_.empty()) ::kill(pid_, number);
}

bool ChildProcess::wait(std::chrono::milliseconds timeout) {
    if (!running()) return true;
    pollfd p{pidfd_, POLLIN, 0};
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return !running();
        int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n > 0 || !running()) return !running();
        if (n < 0 && errno != EINTR) return !running();
    }
}

void ChildProcess::stop(std::chrono::milliseconds timeout) {
    signal(SIGTERM);
    if (wait(timeout)) return;
    signal(SIGKILL);
    wait(std::chrono::milliseconds(10'000));
}

}  // namespace mindme::fleet
