#pragma once
// The load balancer in front of a fleet's serve processes: the fleet adds a process once
// it is healthy, drains it before stopping it, and removes it once stopped.
#include <cstdint>
#include <string>

namespace mindme::fleet {

class LoadBalancer {
public:
    virtual ~LoadBalancer() = default;
    // Sends traffic to host:port as `name`; throws std::runtime_error saying why not.
    virtual void add(const std::string& name, const std::string& host, std::uint16_t port) = 0;
    // No new requests for `name`; those under way finish.
    virtual void drain(const std::string& name) = 0;
    // Forgets `name` (which is stopped or draining). Unknown names are not an error.
    virtual void remove(const std::string& name) = 0;
};

}  // namespace mindme::fleet
