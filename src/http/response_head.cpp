#include "http/response_head.hpp"

#include <charconv>

namespace mindme::http {
namespace {

// Header names and values come from our own handlers, but a CR or LF in them would
// let a value smuggle in another header; they are replaced by spaces.
void append_field_text(std::string& out, std::string_view text) {
    for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
}

void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, p);
}

}  // namespace

bool status_has_body(int status) { return status >= 200 && status != 204 && status != 304; }

std::string_view reason_phrase(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 101:
            return "Switching Protocols";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 206:
            return "Partial Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 304:
            return "Not Modified";
        case 307:
            return "Temporary Redirect";
        case 308:
            return "Permanent Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 412:
            return "Precondition Failed";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 416:
            return "Range Not Satisfiable";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
    }
    return "Unknown";
}

void append_response_head(std::string& out, const Response& r, const HeadContext& ctx) {
    out += ctx.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    append_number(out, static_cast<std::uint64_t>(r.status));
    out += ' ';
    out += reason_phrase(r.status);
    out += "\r\nServer: mindme\r\nDate: ";
    out += ctx.date;
    out += "\r\n";
    out += r.headers.text();  // already free of CR/LF inside fields
    out += "X-Request-Id: ";
    append_field_text(out, ctx.request_id);
    out += "\r\n";
    if (status_has_body(r.status)) {
        out += "Content-Length: ";
        append_number(out, ctx.content_length);
        out += "\r\n";
    }
    if (ctx.version == 10) {
        if (ctx.keep_alive) out += "Connection: keep-alive\r\n";
    } else if (!ctx.keep_alive) {
        out += "Connection: close\r\n";
    }
    out += "\r\n";
}

}  // namespace mindme::http
