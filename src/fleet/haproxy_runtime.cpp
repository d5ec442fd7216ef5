#include "fleet/haproxy_runtime.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mindme::fleet {

namespace {

bool has(const std::string& answer, const char* text) {
    return answer.find(text) != std::string::npos;
}

}  // namespace

HaproxyRuntime::HaproxyRuntime(HaproxyOptions options) : options_(std::move(options)) {
    if (options_.socket.empty()) throw std::invalid_argument("the HAProxy admin socket is not set");
}

std::string HaproxyRuntime::command(const std::string& line) const {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (options_.socket.size() >= sizeof addr.sun_path)
        throw std::runtime_error("HAProxy socket path too long: " + options_.socket);
    std::memcpy(addr.sun_path, options_.socket.c_str(), options_.socket.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    struct Close {
        int fd;
        ~Close() { ::close(fd); }
    } close_fd{fd};
    // The admin socket answers at once; a stuck HAProxy must not stall the fleet.
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("cannot reach HAProxy at " + options_.socket + ": " +
                                 std::strerror(errno));
    auto request = line + "\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size()))
        throw std::runtime_error("cannot send to HAProxy: " + std::string(std::strerror(errno)));
    std::string answer;
    char buffer[4096];
    for (;;) {
        auto n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("no answer from HAProxy: " +
                                     std::string(std::strerror(errno)));
        }
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    return answer;
}

void HaproxyRuntime::add(const std::string& name, const std::string& host, std::uint16_t port) {
    auto server = options_.backend + "/" + name;
    auto answer =
        command("add server " + server + " " + host + ":" + std::to_string(port) + " check inter " +
                std::to_string(options_.check_interval.count()) + " rise " +
                std::to_string(options_.rise) + " fall " + std::to_string(options_.fall));
    // "Already exists": an earlier attempt added it and failed later on; go on from there.
    if (!has(answer, "New server registered") && !has(answer, "Already exists"))
        throw std::runtime_error("HAProxy refused server " + server + ": " + answer);
    // A dynamic server starts in maintenance with its checks off.
    command("enable health " + server);
    auto ready = command("enable server " + server);
    if (!ready.empty() && ready != "\n")
        throw std::runtime_error("HAProxy cannot enable " + server + ": " + ready);
}

void HaproxyRuntime::drain(const std::string& name) {
    command("set server " + options_.backend + "/" + name + " state drain");
}

void HaproxyRuntime::remove(const std::string& name) {
    auto server = options_.backend + "/" + name;
    command("set server " + server + " state maint");
    command("shutdown sessions server " + server);
    auto answer = command("del server " + server);
    if (!has(answer, "Server deleted") && !has(answer, "No such server"))
        throw std::runtime_error("HAProxy kept server " + server + ": " + answer);
}

}  // namespace mindme::fleet
