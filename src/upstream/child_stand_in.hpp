#pragma once
// A stand-in that runs as a child process (a Python script of tests/stand_ins on Debian's
// interpreter): its port is the first line it prints; it ends when its stdin closes.
#include <sys/types.h>

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>

#include "upstream/http2_connection.hpp"
#include "upstream/target.hpp"

namespace mindme::upstream::testing {

class ChildStandIn {
public:
    explicit ChildStandIn(const std::string& script);  // a file of tests/stand_ins
    ~ChildStandIn();
    ChildStandIn(const ChildStandIn&) = delete;
    ChildStandIn& operator=(const ChildStandIn&) = delete;
    std::string url(const std::string& path) const;
    Target target(const std::string& path) const;
    // Runs `test` on a loop of its own with an h2c connection to the stand-in, closed
    // however the test ends (its reader would keep the loop running otherwise).
    void on_h2_connection(
        const std::function<boost::asio::awaitable<void>(std::shared_ptr<Http2Connection>)>& test)
        const;

private:
    pid_t pid_ = -1;
    int stdin_ = -1;
    std::string port_;
};

}  // namespace mindme::upstream::testing
