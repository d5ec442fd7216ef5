#include "fleet/http_probe.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mindme::fleet {

namespace {

class Socket {
public:
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

using Clock = std::chrono::steady_clock;

// Waits for `events` on `fd` until `deadline`; false when it passed.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
}

}  // namespace

std::optional<HttpReply> http_get(const std::string& host, std::uint16_t port,
                                  const std::string& path, std::chrono::milliseconds timeout,
                                  const std::string& bearer) {
    auto deadline = Clock::now() + timeout;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return std::nullopt;
    Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (s.fd() < 0) return std::nullopt;
    if (::connect(s.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno != EINPROGRESS || !wait_for(s.fd(), POLLOUT, deadline)) return std::nullopt;
        int error = 0;
        socklen_t len = sizeof error;
        ::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0) return std::nullopt;
    }
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" +
                          std::to_string(port) + "\r\nConnection: close\r\n";
    if (!bearer.empty()) request += "Authorization: Bearer " + bearer + "\r\n";
    request += "\r\n";
    for (std::size_t sent = 0; sent < request.size();) {
        if (!wait_for(s.fd(), POLLOUT, deadline)) return std::nullopt;
        auto n = ::send(s.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) return std::nullopt;
        if (n > 0) sent += static_cast<std::size_t>(n);
    }
    std::string reply;
    char buffer[16384];
    for (;;) {
        if (!wait_for(s.fd(), POLLIN, deadline)) return std::nullopt;
        auto n = ::recv(s.fd(), buffer, sizeof buffer, 0);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return std::nullopt;
        }
        reply.append(buffer, static_cast<std::size_t>(n));
        if (reply.size() > (64u << 20)) return std::nullopt;
    }
    // "HTTP/1.1 200 OK\r\n...\r\n\r\nbody": Connection: close, so the body runs to the end
    // (chunked bodies are not expected from mindme's operations routes).
    if (!reply.starts_with("HTTP/1.") || reply.size() < 12) return std::nullopt;
    HttpReply r;
    r.status = std::atoi(reply.c_str() + 9);
    auto head_end = reply.find("\r\n\r\n");
    if (head_end == std::string::npos) return std::nullopt;
    r.body = reply.substr(head_end + 4);
    return r;
}

}  // namespace mindme::fleet
