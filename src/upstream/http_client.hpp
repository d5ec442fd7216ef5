#pragma once
// The outbound HTTP/1.1 client every cloud integration calls through (Firebase keys,
// Google OAuth, FCM; later Bedrock, the stores, S3, OpenSearch). It runs on an event loop
// of its own, so a caller on any loop only awaits it: plain TCP or TLS (peer and host name
// verified against the system CAs plus a configured CA file), a pool of keep-alive
// connections per origin with bounded concurrency, connect / first-byte / total deadlines
// under the caller's own, and retries with full-jitter backoff that honour Retry-After.
// Metrics: upstream_requests_total{upstream,outcome} (one per attempt),
// upstream_request_duration_seconds{upstream}, upstream_in_flight{upstream},
// upstream_retries_total{upstream}.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/config_fwd.hpp"
#include "metrics/fwd.hpp"

namespace mindme::upstream {

class Http2Pool;
using Clock = std::chrono::steady_clock;

struct Header {
    std::string name;
    std::string value;
};

struct ClientRequest {
    std::string method = "GET";
    std::string url;  // http://host[:port]/path?query or https://...
    std::vector<Header> headers;
    std::string body;
};

struct ClientResponse {
    int status = 0;
    std::vector<Header> headers;
    std::string body;
    // The first header of that name (case-insensitive).
    std::optional<std::string_view> header(std::string_view name) const;
};

// An exchange that produced no response: what went wrong, by kind (the `outcome` label).
class UpstreamError : public std::runtime_error {
public:
    enum class Kind {
        kConnect,   // resolve, connect or TLS handshake (certificate included) failed
        kTimeout,   // a deadline passed
        kProtocol,  // the peer broke HTTP (or the connection) mid-exchange
        kRejected,  // no connection slot for the origin before the deadline
        kTooLarge,  // the response exceeded max_response_bytes
        kBadUrl,    // the request itself cannot be sent
    };
    UpstreamError(Kind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}
    Kind kind() const { return kind_; }

private:
    Kind kind_;
};
const char* kind_name(UpstreamError::Kind kind);

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{5000};      // resolve + connect + TLS handshake
    std::chrono::milliseconds first_byte_timeout{30000};  // request sent → response head
    std::chrono::milliseconds total_timeout{60000};       // one attempt, start to last byte
    std::size_t max_per_origin = 64;                      // exchanges at once per origin
    std::chrono::seconds idle_timeout{30};                // a pooled connection older is closed
    int max_attempts = 3;                                 // per call, the first included
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_cap{30000};
    std::string ca_file;  // trusted besides the system CAs ("" = none)
    std::size_t max_response_bytes = 16 * 1024 * 1024;
};

// http_client.* keys and the options they give.
void declare_config(core::ConfigSchema& schema);
ClientOptions client_options(const core::Config& config);

// How one call may be retried. Statuses in `retry_statuses` and connection failures
// before the request was written are retried; failures after it was written only when
// `idempotent`. A Retry-After longer than the backoff wins; one that would pass the call's
// deadline (or the backoff cap) ends the retries and the response is returned as it is.
struct CallOptions {
    std::string upstream;  // the metrics label: "firebase_keys", "google_oauth", "fcm"...
    std::optional<Clock::time_point> deadline;  // the caller's; attempts end by it
    int max_attempts = 0;                       // 0: the client's max_attempts
    std::vector<int> retry_statuses{429, 500, 502, 503, 504};
    bool idempotent = false;
};

class HttpClient {
public:
    HttpClient(ClientOptions options, metrics::Registry& registry);
    ~HttpClient();  // stops its loop; calls in progress fail
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // The response of the last attempt (whatever its status), or UpstreamError when
    // the last attempt got none. The caller resumes on its own executor.
    boost::asio::awaitable<ClientResponse> send(ClientRequest request, CallOptions options);

    const ClientOptions& options() const;
    // The client's own loop (one thread): what keeps state for the client's users (token
    // and key caches) runs there, so that it needs no lock.
    boost::asio::any_io_executor executor();
    // HTTP/2 connections (Bedrock's bidirectional streams), on executor() only; closed when
    // the client stops.
    Http2Pool& http2();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::upstream
