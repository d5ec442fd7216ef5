#include "http/message.hpp"

#include <unistd.h>

#include <charconv>

#include "http/websocket.hpp"

namespace mindme::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    // ASCII only, as HTTP field names are; std::tolower would consult the locale.
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto x = static_cast<unsigned char>(a[i]);
        auto y = static_cast<unsigned char>(b[i]);
        if (x == y) continue;
        if ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z') return false;
    }
    return true;
}

std::chrono::steady_clock::time_point request_deadline(
    std::chrono::steady_clock::time_point now, std::chrono::milliseconds server_limit,
    std::optional<std::string_view> client_timeout_ms) {
    auto limit = server_limit;
    if (client_timeout_ms) {
        std::int64_t ms = 0;
        auto text = *client_timeout_ms;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
        if (ec == std::errc() && p == text.data() + text.size() && ms > 0 &&
            ms < server_limit.count())
            limit = std::chrono::milliseconds(ms);
    }
    return now + limit;
}

std::string loggable_target(std::string_view target, std::size_t max_length) {
    static constexpr std::string_view kSecret[] = {"token",  "access_token", "password",
                                                   "secret", "key",          "signature"};
    auto q = target.find('?');
    std::string out(target.substr(0, std::min(q, max_length)));
    if (q == std::string_view::npos || out.size() >= max_length) return out;
    auto query = target.substr(q + 1);
    out += '?';
    bool first = true;
    while (true) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        auto eq = pair.find('=');
        auto name = pair.substr(0, eq);
        if (!first) out += '&';
        first = false;
        bool secret = false;
        for (auto s : kSecret) secret |= iequals(name, s);
        if (secret && eq != std::string_view::npos) {
            out += name;
            out += "=REDACTED";
        } else {
            out += pair;
        }
        if (amp == std::string_view::npos || out.size() >= max_length) break;
        query.remove_prefix(amp + 1);
    }
    if (out.size() > max_length) out.resize(max_length);
    return out;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return std::nullopt;
            int hi = hex_value(in[i + 1]);
            int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return std::nullopt;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view rest = query;
    while (!rest.empty()) {
        auto amp = rest.find('&');
        auto pair = rest.substr(0, amp);
        auto eq = pair.find('=');
        auto key = percent_decode(pair.substr(0, eq), true);
        if (key && *key == name) {
            if (eq == std::string_view::npos) return std::string();
            auto value = percent_decode(pair.substr(eq + 1), true);
            if (!value)
                throw core::ApiError(
                    core::ErrorCode::kBadRequest,
                    "malformed percent-encoding in query parameter " + std::string(name));
            return value;
        }
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
    for (const auto& [k, v] : params)
        if (k == name) return v;
    return {};
}

OpenFile::~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
}

namespace {

// Calls f(line_start, name, value, line_end) for each "Name: value\r\n" line.
template <class F>
bool for_each_line(const std::string& text, F&& f) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find("\r\n", pos);
        auto colon = text.find(':', pos);
        std::string_view name(text.data() + pos, colon - pos);
        std::string_view value(text.data() + colon + 2, end - colon - 2);
        if (f(pos, name, value, end + 2)) return true;
        pos = end + 2;
    }
    return false;
}

}  // namespace

void HeaderBlock::append_clean(std::string_view text) {
    auto start = text_.size();
    text_ += text;
    for (auto i = start; i < text_.size(); ++i)
        if (text_[i] == '\r' || text_[i] == '\n') text_[i] = ' ';
}

void HeaderBlock::set(std::string_view name, std::string_view value) {
    remove(name);
    if (text_.capacity() < 256) text_.reserve(256);
    append_clean(name);
    text_ += ": ";
    append_clean(value);
    text_ += "\r\n";
}

std::optional<std::string_view> HeaderBlock::get(std::string_view name) const {
    std::optional<std::string_view> found;
    for_each_line(text_, [&](std::size_t, std::string_view n, std::string_view v, std::size_t) {
        if (!iequals(n, name)) return false;
        found = v;
        return true;
    });
    return found;
}

void HeaderBlock::remove(std::string_view name) {
    std::size_t from = 0, to = 0;
    if (for_each_line(
            text_, [&](std::size_t start, std::string_view n, std::string_view, std::size_t end) {
                if (!iequals(n, name)) return false;
                from = start;
                to = end;
                return true;
            }))
        text_.erase(from, to - from);
}

Response Response::websocket(WebSocketHandler handler) {
    Response r;
    r.status = 101;
    r.websocket_handler = std::make_shared<WebSocketHandler>(std::move(handler));
    return r;
}

Response Response::empty(int status) {
    Response r;
    r.status = status;
    return r;
}

Response Response::json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.set("Content-Type", "application/json");
    return r;
}

Response Response::error(core::ErrorCode code, std::string_view message) {
    return json(core::http_status(code), core::error_body(code, message));
}

Response Response::error(const core::ApiError& e) {
    auto r = error(e.code(), e.what());
    if (auto s = e.retry_after()) r.set_header("Retry-After", std::to_string(*s));
    return r;
}

}  // namespace mindme::http
