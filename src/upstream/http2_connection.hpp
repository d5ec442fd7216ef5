#pragma once
// One HTTP/2 connection (libnghttp2; h2 over TLS by ALPN, or h2c by prior knowledge)
// carrying many streams, each a request whose body is written as the caller produces it
// and whose response is read as it arrives: the full-duplex streams Bedrock's voice model
// needs (Beast speaks HTTP/1.1 only). Everything runs on the connection's executor (the
// outbound client's loop): call a connection and its streams from there only. Back-pressure
// both ways: a writer waits while its unsent bytes pass a bound, and the peer's flow-control
// window is only opened as the reader takes what arrived.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "upstream/http_client.hpp"
#include "upstream/target.hpp"

namespace boost::asio::ssl {
class context;
}

namespace mindme::upstream {

class Http2Connection;

class Http2Stream {
public:
    ~Http2Stream();
    // Queues `data` for the request body; waits while more than the bound is unsent.
    // Throws UpstreamError when the stream or connection ended.
    boost::asio::awaitable<void> write(std::string data);
    // Ends the request body after what was written.
    void finish();
    // The response status, once its headers came (by `deadline`: kTimeout after it).
    boost::asio::awaitable<int> status(Clock::time_point deadline);
    const std::vector<Header>& response_headers() const;
    // The next piece of the response body; nullopt at its end. UpstreamError when the
    // stream was reset or the connection lost, kTimeout when nothing came by `deadline`.
    boost::asio::awaitable<std::optional<std::string>> read(Clock::time_point deadline);
    // Cancels the stream (RST_STREAM CANCEL).
    void reset();
    bool closed() const;

private:
    friend class Http2Connection;
    struct State;
    explicit Http2Stream(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

class Http2Connection : public std::enable_shared_from_this<Http2Connection> {
public:
    static constexpr std::size_t kMaxUnsent = 64 * 1024;  // per stream, before write() waits

    // Connects (TLS with ALPN h2 when target.tls, else h2c) and sends the preface. The
    // connection reads until it is closed (its reader holds it): whoever opens it closes it.
    static boost::asio::awaitable<std::shared_ptr<Http2Connection>> open(
        boost::asio::any_io_executor executor, const Target& target, boost::asio::ssl::context* tls,
        Clock::time_point deadline);
    ~Http2Connection();

    // Sends a request's headers (`:method`, `:path`, `:scheme`, `:authority` from the
    // target, then `headers`); the body follows through the stream.
    std::shared_ptr<Http2Stream> start(const std::string& method, const Target& target,
                                       const std::vector<Header>& headers);
    // False once the connection failed, was closed, or the peer sent GOAWAY.
    bool usable() const;
    std::size_t open_streams() const;
    // The streams the peer allows at once (its SETTINGS_MAX_CONCURRENT_STREAMS).
    std::size_t stream_limit() const;
    void close();

private:
    friend class Http2Stream;
    struct Impl;
    explicit Http2Connection(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::upstream
