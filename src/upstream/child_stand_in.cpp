#include "upstream/child_stand_in.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/this_coro.hpp>
#include <stdexcept>

#include "core/await_now.hpp"

namespace mindme::upstream::testing {

ChildStandIn::ChildStandIn(const std::string& script) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe");
    auto path = std::string(MINDME_TESTS_DIR) + "/stand_ins/" + script;
    pid_ = fork();
    if (pid_ == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        // Debian's interpreter, whose packages scripts/deps.sh installs (python3-h2).
        execl("/usr/bin/python3", "python3", path.c_str(), nullptr);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') port_ += c;
    close(out[0]);
    if (port_.empty())
        throw std::runtime_error("the stand-in " + script + " did not start (python3-h2?)");
}

ChildStandIn::~ChildStandIn() {
    close(stdin_);
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
}

std::string ChildStandIn::url(const std::string& path) const {
    return "http://127.0.0.1:" + port_ + path;
}

Target ChildStandIn::target(const std::string& path) const { return parse_target(url(path)); }

void ChildStandIn::on_h2_connection(
    const std::function<boost::asio::awaitable<void>(std::shared_ptr<Http2Connection>)>& test)
    const {
    struct ClosesAtExit {
        std::shared_ptr<Http2Connection> connection;
        ~ClosesAtExit() { connection->close(); }
    };
    core::await_now([&]() -> boost::asio::awaitable<void> {
        auto executor = co_await boost::asio::this_coro::executor;
        auto connection = co_await Http2Connection::open(executor, target("/"), nullptr,
                                                         Clock::now() + std::chrono::seconds(10));
        ClosesAtExit closer{connection};
        co_await test(connection);
    }());
}

}  // namespace mindme::upstream::testing
