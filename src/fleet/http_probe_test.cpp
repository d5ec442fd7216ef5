// The fleet's blocking GET against a listening socket of the test's own.
#include "fleet/http_probe.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace mindme::fleet {
namespace {

struct Listener {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    std::uint16_t port = 0;
    Listener() {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::listen(fd, 4), 0);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
    }
    ~Listener() { ::close(fd); }
};

// Accepts one request, keeps its head, and answers `reply`.
std::string answer_once(Listener& l, const std::string& reply) {
    int c = ::accept(l.fd, nullptr, nullptr);
    char buffer[1024];
    std::string request;
    while (request.find("\r\n\r\n") == std::string::npos) {
        auto n = ::recv(c, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
    }
    ::send(c, reply.data(), reply.size(), 0);
    ::close(c);
    return request;
}

TEST(HttpProbe, ReadsTheStatusAndBody) {
    Listener l;
    std::string request;
    std::thread server([&] {
        request =
            answer_once(l, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown");
    });
    auto r = http_get("127.0.0.1", l.port, "/health", std::chrono::milliseconds(5000));
    server.join();
    EXPECT_TRUE(request.starts_with("GET /health HTTP/1.1\r\n")) << request;
    EXPECT_EQ(request.find("Authorization"), std::string::npos);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->body, "down");
}

TEST(HttpProbe, SendsTheMetricsTokenWhenGivenOne) {
    Listener l;
    std::string request;
    std::thread server(
        [&] { request = answer_once(l, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); });
    auto r = http_get("127.0.0.1", l.port, "/metrics", std::chrono::milliseconds(5000), "s3cret");
    server.join();
    ASSERT_TRUE(r);
    EXPECT_NE(request.find("\r\nAuthorization: Bearer s3cret\r\n"), std::string::npos) << request;
}

TEST(HttpProbe, ASilentServerRunsIntoTheDeadline) {
    Listener l;  // accepts (the backlog) but never answers
    auto r = http_get("127.0.0.1", l.port, "/health", std::chrono::milliseconds(200));
    EXPECT_FALSE(r);
}

TEST(HttpProbe, NobodyListeningIsNoAnswer) {
    std::uint16_t port = 0;
    {
        Listener l;
        port = l.port;
    }
    EXPECT_FALSE(http_get("127.0.0.1", port, "/health", std::chrono::milliseconds(2000)));
}

}  // namespace
}  // namespace mindme::fleet
