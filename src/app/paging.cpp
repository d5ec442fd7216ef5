#include "app/paging.hpp"

#include <charconv>

#include "core/base64url.hpp"
#include "core/errors.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;

namespace {

// Kinds of cursor, so that one route's cursor is refused by another.
constexpr char kListKind = 'l';
constexpr char kSyncKind = 's';
constexpr std::size_t kMaxIdBytes = 64;

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

ApiError bad_cursor(const char* name) {
    return ApiError(ErrorCode::kBadRequest,
                    std::string(name) + " is not a cursor this server gave out");
}

// The cursor's payload after its kind letter; nullopt when the parameter is absent.
std::optional<std::string> cursor_payload(const http::Request& req, const char* name, char kind) {
    auto raw = req.query_param(name);
    if (!raw) return std::nullopt;
    auto decoded = core::base64url_decode(*raw);
    if (!decoded || decoded->empty() || decoded->front() != kind) throw bad_cursor(name);
    return decoded->substr(1);
}

}  // namespace

std::size_t limit_param(const http::Request& req, const char* name, std::size_t fallback,
                        std::size_t max) {
    auto raw = req.query_param(name);
    if (!raw) return fallback;
    auto v = parse_int(*raw);
    if (!v || *v < 1 || static_cast<std::uint64_t>(*v) > max)
        throw ApiError(
            ErrorCode::kUnprocessable,
            std::string(name) + " must be a whole number from 1 to " + std::to_string(max));
    return static_cast<std::size_t>(*v);
}

std::string encode_list_cursor(const store::ListPosition& after) {
    return core::base64url_encode(kListKind + std::to_string(after.updated_at_ms) + "." + after.id);
}

std::optional<store::ListPosition> list_cursor_param(const http::Request& req, const char* name) {
    auto payload = cursor_payload(req, name, kListKind);
    if (!payload) return std::nullopt;
    auto dot = payload->find('.');
    if (dot == std::string::npos) throw bad_cursor(name);
    auto at = parse_int(std::string_view(*payload).substr(0, dot));
    auto id = payload->substr(dot + 1);
    if (!at || id.empty() || id.size() > kMaxIdBytes) throw bad_cursor(name);
    return store::ListPosition{*at, std::move(id)};
}

std::string page_json(const std::vector<std::string>& items,
                      const std::optional<store::ListPosition>& next) {
    std::string body = "{\"items\":[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) body += ',';
        body += items[i];
    }
    body += "],\"next_cursor\":";
    body += next ? '"' + encode_list_cursor(*next) + '"' : std::string("null");
    return body + '}';
}

std::string encode_sync_cursor(std::int64_t seq) {
    return core::base64url_encode(kSyncKind + std::to_string(seq));
}

std::int64_t sync_cursor_param(const http::Request& req, const char* name) {
    auto payload = cursor_payload(req, name, kSyncKind);
    if (!payload) return 0;
    auto seq = parse_int(*payload);
    if (!seq || *seq < 0) throw bad_cursor(name);
    return *seq;
}

}  // namespace mindme::app
