#pragma once
// A scripted HTTP/1.1 server on loopback for the client's tests (plain or TLS): each
// request is answered as the test's function says — a status, headers and body, after a
// pause, or not at all (the connection held open or closed). It records what it received.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "upstream/http_client.hpp"

namespace mindme::upstream::testing {

struct Received {
    std::string method;
    std::string target;
    std::vector<Header> headers;
    std::string body;
    int connection = 0;  // which accepted connection (1, 2, ...)
    Clock::time_point at;
    std::string header(const std::string& name) const;
};

struct Reply {
    int status = 200;
    std::vector<Header> headers;
    std::string body;
    std::chrono::milliseconds pause{0};  // before answering
    bool hang = false;                   // never answer (the connection stays open)
    bool close = false;                  // close the connection without answering

    static Reply paused(std::chrono::milliseconds pause, int status = 200);
    static Reply hanging();
    static Reply closing();
};

struct TlsFiles {
    std::string cert;
    std::string key;
};

class StandInServer {
public:
    using Script = std::function<Reply(const Received&)>;
    explicit StandInServer(Script script, const TlsFiles* tls = nullptr);
    ~StandInServer();

    std::string url(const std::string& path = "/", const std::string& host = "127.0.0.1") const;
    unsigned short port() const;
    std::vector<Received> received() const;
    int connections() const;
    // The most requests it was answering at once (read, reply not yet written).
    int max_concurrent() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::upstream::testing
