#pragma once
// A process the fleet runs: in a process group of its own, with the signals the fleet
// blocks unblocked again, stopped when the fleet dies; watched without blocking, stopped
// with SIGTERM and, past a timeout, SIGKILL.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mindme::fleet {

class ChildProcess {
public:
    // Runs argv[0] with `argv`; throws std::runtime_error when it cannot.
    static ChildProcess spawn(const std::vector<std::string>& argv);

    ChildProcess() = default;  // no process: not running
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();  // a child still running is killed: none outlives its fleet

    pid_t pid() const { return pid_; }
    // Whether it still runs; once it has exited, reaps it and keeps the status.
    bool running();
    // How it ended: "exit N" or "signal N"; empty while running.
    std::string ended() const { return ended_; }
    void signal(int number) const;
    // SIGTERM, up to `timeout` for it to exit, then SIGKILL. Returns at its exit.
    void stop(std::chrono::milliseconds timeout);
    // Waits up to `timeout` for it to exit; whether it did.
    bool wait(std::chrono::milliseconds timeout);

private:
    ChildProcess(pid_t pid, int pidfd) : pid_(pid), pidfd_(pidfd) {}
    void reap(int status);

    pid_t pid_ = -1;
    int pidfd_ = -1;  // readable once the process has exited
    std::string ended_;
};

}  // namespace mindme::fleet
