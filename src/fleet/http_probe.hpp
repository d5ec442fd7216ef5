#pragma once
// A blocking HTTP/1.1 GET on loopback with a deadline: how the fleet checks /health and
// reads /metrics of the processes it runs. The fleet's loop is a plain thread; nothing
// here runs on an event loop.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace mindme::fleet {

struct HttpReply {
    int status = 0;
    std::string body;
};

// nullopt when the connection fails, the deadline passes or the reply is not HTTP.
// `bearer`: sent as Authorization: Bearer when not empty (metrics.token).
std::optional<HttpReply> http_get(const std::string& host, std::uint16_t port,
                                  const std::string& path, std::chrono::milliseconds timeout,
                                  const std::string& bearer = {});

}  // namespace mindme::fleet
