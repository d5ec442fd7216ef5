#pragma once
// HAProxy as the fleet's load balancer, through its runtime API (the admin socket of
// `stats socket PATH level admin`): dynamic servers added with `add server` and health
// checks of their own, drained with `set server … state drain`, removed with `del
// server`. HAProxy 2.5 or later (Debian 12 ships 2.6).
#include <chrono>
#include <string>

#include "fleet/load_balancer.hpp"

namespace mindme::fleet {

struct HaproxyOptions {
    std::string socket;             // the admin socket
    std::string backend = "serve";  // the backend that balances the serve processes
    // The servers' health check: the seed's ALB (GET /health every 30 s, up after 2
    // passes, down after 5 failures) unless told otherwise.
    std::chrono::milliseconds check_interval{30'000};
    int rise = 2;
    int fall = 5;
};

class HaproxyRuntime final : public LoadBalancer {
public:
    explicit HaproxyRuntime(HaproxyOptions options);
    void add(const std::string& name, const std::string& host, std::uint16_t port) override;
    void drain(const std::string& name) override;
    void remove(const std::string& name) override;
    // One runtime API command and its answer; throws std::runtime_error when the socket
    // cannot be reached.
    std::string command(const std::string& line) const;

private:
    HaproxyOptions options_;
};

}  // namespace mindme::fleet
