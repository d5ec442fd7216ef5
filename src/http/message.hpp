#pragma once
// The request and response types handlers see. They carry no Beast types, so
// domain code that includes this header compiles without the HTTP machinery.
#include <boost/asio/awaitable.hpp>
#include <boost/container/small_vector.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errors.hpp"

namespace mindme::http {

// A route as registered; metrics and logs label requests with `label`.
struct RouteInfo {
    std::string method;
    std::string pattern;  // "/v1/memories/{id}"
    std::string label;    // the pattern, or a fixed name such as "static"
};

// The body of a request whose route streams it (ServerOptions::streamed_body_limit):
// read in pieces as it arrives instead of held whole in memory.
class BodyStream {
public:
    virtual ~BodyStream() = default;
    // Up to `size` bytes into `data`; 0 once the body is complete. Throws ApiError:
    // 413 past the route's limit, 400 for a malformed body, 408 when the client
    // stalls past the body timeout.
    virtual boost::asio::awaitable<std::size_t> read(char* data, std::size_t size) = 0;
    // The length the client declared (Content-Length), if it did.
    virtual std::optional<std::uint64_t> declared_length() const = 0;
};

struct Request {
    std::string_view method;
    std::string_view target;  // as received: path and query
    std::string_view path;    // raw (percent-encoded) path
    std::string_view query;   // after '?', raw
    // Views into the parsed message; valid until the response is written.
    boost::container::small_vector<std::pair<std::string_view, std::string_view>, 16> headers;
    std::string body;
    BodyStream* body_stream = nullptr;  // set instead of `body` on streaming routes
    unsigned version = 11;
    std::string remote_address;  // the peer's IP
    std::string client_address;  // the client's IP after trusted proxies (set by the guard)
    std::string request_id;
    // When nobody waits for the answer any more: pool waits and queries get what
    // remains of it (see request_deadline()).
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    std::vector<std::pair<std::string, std::string>> params;  // decoded path parameters
    const RouteInfo* route = nullptr;

    std::optional<std::string_view> header(std::string_view name) const;
    // Decoded value of a query parameter (first occurrence); 400 (ApiError) when its
    // percent-encoding is malformed.
    std::optional<std::string> query_param(std::string_view name) const;
    std::string_view param(std::string_view name) const;
};

// An open file to send; shared so that a response can be copied cheaply.
class OpenFile {
public:
    explicit OpenFile(int fd) : fd_(fd) {}
    ~OpenFile();
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

struct FileSlice {
    std::shared_ptr<OpenFile> file;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// Response headers kept as the wire text itself ("Name: value\r\n" lines): one
// buffer however many headers, and serialising is a single append. CR and LF in a
// name or value are replaced by spaces, so no value can smuggle in a header.
class HeaderBlock {
public:
    void set(std::string_view name, std::string_view value);  // replaces an existing one
    std::optional<std::string_view> get(std::string_view name) const;
    void remove(std::string_view name);
    const std::string& text() const { return text_; }

private:
    void append_clean(std::string_view text);
    std::string text_;
};

struct WebSocketHandler;

// Something released only once a response has been written (or its write failed),
// such as an admission slot. A plain deleter, so holding one allocates nothing.
using SendHold = std::unique_ptr<void, void (*)(void*)>;

struct Response {
    int status = 200;
    HeaderBlock headers;
    std::string body;
    std::optional<FileSlice> file;  // sent instead of `body` when set
    bool close = false;             // close the connection after this response
    SendHold hold_until_sent{nullptr, [](void*) {}};
    // Set by Response::websocket: the server upgrades the connection and runs this.
    std::shared_ptr<WebSocketHandler> websocket_handler;

    void set_header(std::string_view name, std::string_view value) { headers.set(name, value); }
    std::optional<std::string_view> header(std::string_view name) const {
        return headers.get(name);
    }

    static Response json(int status, std::string body);
    // A response without a body (204 No Content, for one).
    static Response empty(int status);
    static Response error(core::ErrorCode code, std::string_view message);
    static Response error(const core::ApiError& e);
    // Accepts a WebSocket upgrade (the request must be one, else the server answers
    // 400); the session then runs `handler`.
    static Response websocket(WebSocketHandler handler);
};

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

bool iequals(std::string_view a, std::string_view b);

// The request target as it may be written to a log: values of query parameters that
// carry credentials (token, access_token, password, secret, key, signature) are
// replaced by "REDACTED", and the whole is cut to `max_length` bytes.
std::string loggable_target(std::string_view target, std::size_t max_length = 512);

// The deadline of a request received at `now`: the server's limit, or the client's
// X-Request-Timeout-Ms when that is a positive integer below it.
std::chrono::steady_clock::time_point request_deadline(
    std::chrono::steady_clock::time_point now, std::chrono::milliseconds server_limit,
    std::optional<std::string_view> client_timeout_ms);

// Percent-decodes `in`; returns nullopt on a malformed escape. `plus_is_space`
// applies to query strings.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);

}  // namespace mindme::http
