// Running process_file in a process of its own: fork, limits (address space, CPU,
// file size, no core dumps), a clean descriptor table, exec of this executable's
// `process-file` command; its one result line read from a pipe within the time limit,
// or SIGKILL. Only async-signal-safe calls between fork and exec.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "files/processor.hpp"

namespace mindme::files {
namespace {

constexpr std::size_t kMaxResultBytes = 4096;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // ASan reserves terabytes of address space
#else
constexpr bool kSanitized = false;
#endif

FileKind parse_kind(const std::string& name) {
    for (auto k : {FileKind::kImage, FileKind::kPdf, FileKind::kText})
        if (name == kind_name(k)) return k;
    return FileKind::kOther;
}

void limit(int resource, std::uint64_t value) {
    rlimit l{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
    ::setrlimit(resource, &l);
}

std::string describe_status(int status) {
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGXCPU) return "processing used too much CPU time";
        if (sig == SIGXFSZ) return "processing produced too much output";
        return "processing crashed (signal " + std::to_string(sig) + ")";
    }
    return "processing failed (exit " + std::to_string(WEXITSTATUS(status)) + ")";
}

}  // namespace

std::vector<std::string> sandbox_arguments(const ProcessRequest& r) {
    return {"--kind",
            kind_name(r.kind),
            "--in",
            r.input,
            "--thumbnail",
            r.thumbnail_out,
            "--text",
            r.text_out,
            "--max-pixels",
            std::to_string(r.max_pixels),
            "--max-text-bytes",
            std::to_string(r.max_text_bytes)};
}

ProcessRequest parse_sandbox_arguments(const std::vector<std::string>& args) {
    ProcessRequest r;
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
        const auto& key = args[i];
        const auto& value = args[i + 1];
        if (key == "--kind")
            r.kind = parse_kind(value);
        else if (key == "--in")
            r.input = value;
        else if (key == "--thumbnail")
            r.thumbnail_out = value;
        else if (key == "--text")
            r.text_out = value;
        else if (key == "--max-pixels")
            r.max_pixels = std::stoull(value);
        else if (key == "--max-text-bytes")
            r.max_text_bytes = std::stoull(value);
        else
            throw std::invalid_argument("unknown argument " + key);
    }
    return r;
}

std::string result_line(const ProcessResult& result) {
    boost::json::object o{{"thumbnail", result.thumbnail}, {"text_chars", result.text_chars}};
    if (!result.error.empty()) o["error"] = result.error;
    return boost::json::serialize(o) + "\n";
}

ProcessResult run_sandboxed(const std::string& self, const ProcessRequest& request,
                            const SandboxLimits& limits) {
    std::vector<std::string> args{self, "process-file"};
    for (auto& a : sandbox_arguments(request)) args.push_back(std::move(a));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);  // dup2 clears close-on-exec on the copy
        // The libraries' complaints about a bad file are not ours to log: the
        // result line carries the reason.
        int devnull = ::open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            ::dup2(devnull, STDIN_FILENO);
            ::dup2(devnull, STDERR_FILENO);
        }
        ::close_range(3, ~0U, 0);
        if (!kSanitized) limit(RLIMIT_AS, limits.memory_bytes);
        limit(RLIMIT_CPU, static_cast<std::uint64_t>(limits.time.count()) + 1);
        limit(RLIMIT_FSIZE, limits.output_bytes);
        limit(RLIMIT_CORE, 0);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);

    auto deadline = std::chrono::steady_clock::now() + limits.time;
    std::string out;
    bool timed_out = false;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{pipe_fds[0], POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) {
            timed_out = true;
            break;
        }
        char buf[1024];
        auto n = ::read(pipe_fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the process closed its output: it is ending
        if (out.size() < kMaxResultBytes) out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    // After EOF the process is exiting; a bounded wait, then SIGKILL, covers one that
    // closed its output and kept running.
    for (int i = 0; ::waitpid(pid, &status, timed_out ? 0 : WNOHANG) == 0; ++i) {
        if (i == 200) {
            ::kill(pid, SIGKILL);
            timed_out = true;
        }
        ::usleep(10'000);
    }
    if (timed_out)
        return {false, 0,
                "processing took longer than " + std::to_string(limits.time.count()) + " s"};
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return {false, 0, describe_status(status)};
    try {
        auto doc = boost::json::parse(out).as_object();
        ProcessResult r;
        r.thumbnail = doc.at("thumbnail").as_bool();
        r.text_chars = doc.at("text_chars").as_int64();
        if (auto* e = doc.if_contains("error")) r.error = std::string(e->as_string());
        return r;
    } catch (const std::exception&) {
        return {false, 0, "processing reported nothing readable"};
    }
}

}  // namespace mindme::files
