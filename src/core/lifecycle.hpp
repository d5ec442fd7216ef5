#pragma once
// Process lifecycle shared by the server (which stops accepting) and the health
// check (which answers 503 so a load balancer takes the process out).
#include <atomic>

namespace mindme::core {

class Lifecycle {
public:
    void begin_drain() { draining_.store(true, std::memory_order_release); }
    bool draining() const { return draining_.load(std::memory_order_acquire); }

private:
    std::atomic<bool> draining_{false};
};

}  // namespace mindme::core
