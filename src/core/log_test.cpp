#include "core/log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace mindme::core::log {
namespace {

// Points stdout (fd 1, where the writer writes) at `fd` until destroyed.
class StdoutTo {
public:
    explicit StdoutTo(int fd) : saved_(::dup(STDOUT_FILENO)) {
        std::fflush(stdout);
        ::dup2(fd, STDOUT_FILENO);
    }
    ~StdoutTo() {
        ::dup2(saved_, STDOUT_FILENO);
        ::close(saved_);
    }

private:
    int saved_;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(Log, LinesFromManyThreadsArriveWholeAndInEachThreadsOrder) {
    auto path = std::filesystem::temp_directory_path() /
                ("mindme-log-" + std::to_string(::getpid()) + ".txt");
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    constexpr int kThreads = 4;
    constexpr int kLines = 1000;
    {
        StdoutTo redirect(fd);
        init("debug", true);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([t] {
                for (int i = 0; i < kLines; ++i) {
                    Fields f;
                    f.add("thread", t).add("n", i).add("text", "a \"quoted\"\nline");
                    if (i % 2)
                        access(f);
                    else
                        info("event", f);
                }
            });
        for (auto& th : threads) th.join();
        shutdown();
    }
    ::close(fd);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::filesystem::remove(path);
    auto lines = lines_of(text.str());
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
    std::vector<int> next(kThreads, 0);
    for (const auto& line : lines) {
        auto v = boost::json::parse(line).as_object();  // throws on a broken line
        auto t = static_cast<int>(v.at("thread").as_int64());
        auto n = static_cast<int>(v.at("n").as_int64());
        EXPECT_EQ(n, next[t]++) << line;
        EXPECT_EQ(v.at("text").as_string(), "a \"quoted\"\nline");
        EXPECT_EQ(v.at("log").as_string(), n % 2 ? "access" : "mindme");
        EXPECT_EQ(v.at("msg").as_string(), n % 2 ? "request" : "event");
        EXPECT_EQ(v.at("level").as_string(), "info");
        EXPECT_EQ(v.at("ts").as_string().size(), 24u);  // 2026-12-07T22:45:23.123Z
    }
}

TEST(Log, AFullQueueDropsAndCountsInsteadOfBlocking) {
    int pipe_fds[2];
    ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
    constexpr int kLines = 20'000;  // far more than a pipe and a thread's queue hold
    auto dropped_before = dropped();
    std::string read_back;
    std::optional<StdoutTo> redirect(std::in_place, pipe_fds[1]);
    init("info", true);
    Fields f;
    f.add("route", "/v1/ping").add("status", 200);
    // Nobody reads the pipe yet: the writer blocks on it, and this thread goes on.
    for (int i = 0; i < kLines; ++i) access(f);
    auto dropped_while_blocked = dropped() - dropped_before;
    std::thread reader([&] {
        char buf[65536];
        for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;)
            read_back.append(buf, static_cast<std::size_t>(n));
    });
    shutdown();        // writes what it kept, then the writer ends
    redirect.reset();  // fd 1 back; with the write end closed below, the reader ends
    ::close(pipe_fds[1]);
    reader.join();
    EXPECT_GT(dropped_while_blocked, 0u);
    ::close(pipe_fds[0]);
    auto written = lines_of(read_back).size();
    // Every line is either written or counted as dropped: none vanishes.
    EXPECT_EQ(written + (dropped() - dropped_before), static_cast<std::size_t>(kLines));
    init("info", true);  // as it was, for whatever runs next
}

}  // namespace
}  // namespace mindme::core::log
