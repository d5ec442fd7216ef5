#pragma once
// The request and response types handlers see. They carry no Beast types, so
// domain code that includes this header compiles without the HTTP machinery.
#include <boost/asio/awaitable.hpp>
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

struct Request {
    std::string_view method;
    std::string_view target;  // as received: path and query
    std::string_view path;    // raw (percent-encoded) path
    std::string_view query;   // after '?', raw
    // Views into the parsed message; valid until the response is written.
    std::vector<std::pair<std::string_view, std::string_view>> headers;
    std::string body;
    unsigned version = 11;
    std::string remote_address;  // the peer's IP
    std::string client_address;  // the client's IP after trusted proxies (set by the guard)
    std::string request_id;
    std::vector<std::pair<std::string, std::string>> params;  // decoded path parameters
    const RouteInfo* route = nullptr;

    std::optional<std::string_view> header(std::string_view name) const;
    // Decoded value of a query parameter (first occurrence).
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

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::optional<FileSlice> file;  // sent instead of `body` when set
    bool close = false;             // close the connection after this response
    // Released only once the response has been written (or the write failed):
    // lets middleware hold a resource, such as an admission slot, for the whole send.
    std::shared_ptr<void> hold_until_sent;

    void set_header(std::string name, std::string value);
    std::optional<std::string_view> header(std::string_view name) const;

    static Response json(int status, std::string body);
    static Response error(core::ErrorCode code, std::string_view message);
    static Response error(const core::ApiError& e);
};

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

bool iequals(std::string_view a, std::string_view b);

// Percent-decodes `in`; returns nullopt on a malformed escape. `plus_is_space`
// applies to query strings.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);

}  // namespace mindme::http
