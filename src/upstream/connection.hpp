#pragma once
// One outbound connection, plain or TLS, and one request/response exchange on it at a
// time. Internal to the client (it brings in Asio and Beast); every failure is an
// UpstreamError of its kind.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <string_view>

#include "upstream/http_client.hpp"
#include "upstream/target.hpp"

namespace mindme::upstream {

// Resolves and connects `stream` to the target by `deadline` (UpstreamError otherwise).
boost::asio::awaitable<void> connect_tcp(boost::beast::tcp_stream& stream, const Target& target,
                                         Clock::time_point deadline);
// The TLS handshake with SNI, the peer's chain verified and its certificate checked to be
// for target.host; with `alpn` ("h2"), the protocol offered and required.
boost::asio::awaitable<void> handshake_tls(boost::beast::ssl_stream<boost::beast::tcp_stream>& ssl,
                                           const Target& target, std::string_view alpn);

struct ExchangeDeadlines {
    Clock::time_point first_byte;  // the response head must have begun by then
    Clock::time_point last_byte;   // the whole response read by then
};

class Connection {
public:
    // Resolves, connects and (https) handshakes with SNI, verifying the peer's chain
    // and that it is for `target.host`, by `deadline`.
    static boost::asio::awaitable<std::unique_ptr<Connection>> open(
        boost::asio::any_io_executor executor, const Target& target, boost::asio::ssl::context* tls,
        Clock::time_point deadline);
    ~Connection();

    struct Progress {
        bool written = false;       // the whole request went out
        bool got_response = false;  // a byte of the response came back
    };
    // Sends `request` and reads the response whole (at most `max_bytes` of body).
    boost::asio::awaitable<ClientResponse> exchange(const Target& target,
                                                    const ClientRequest& request,
                                                    ExchangeDeadlines deadlines,
                                                    std::size_t max_bytes, Progress& progress);
    // Whether the last exchange left the connection fit for another.
    bool reusable() const { return reusable_; }
    Clock::time_point idle_since() const { return idle_since_; }
    // Ends whatever is in progress on it (shutdown of the client).
    void close();

private:
    struct Streams;
    explicit Connection(std::unique_ptr<Streams> streams);
    std::unique_ptr<Streams> streams_;
    bool reusable_ = false;
    Clock::time_point idle_since_{};
};

}  // namespace mindme::upstream
