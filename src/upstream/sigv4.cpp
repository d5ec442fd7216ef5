#include "upstream/sigv4.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "core/digest.hpp"
#include "core/text.hpp"

namespace mindme::upstream {

using core::hex;
using core::hmac_sha256;
using core::sha256_hex;

namespace {

constexpr const char* kAlgorithm = "AWS4-HMAC-SHA256";

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, every other byte %XX
// in upper case ('/' kept in paths).
std::string uri_encode(std::string_view s, bool keep_slash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (unreserved(c) || (keep_slash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string uri_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
            hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// The path without "." and ".." segments and without empty ones, keeping a final '/'.
std::string normalized_path(std::string_view path) {
    std::vector<std::string_view> kept;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        auto segment = path.substr(start, end - start);
        if (segment == "..") {
            if (!kept.empty()) kept.pop_back();
        } else if (!segment.empty() && segment != ".") {
            kept.push_back(segment);
        }
        start = end + 1;
    }
    std::string out;
    for (auto segment : kept) {
        out += '/';
        out += segment;
    }
    bool trailing = !path.empty() && path.back() == '/';
    if (out.empty() || trailing) out += '/';
    return out;
}

std::string canonical_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> params;
    for (auto part : core::split_list(query, '&')) {
        if (part.empty()) continue;
        auto eq = part.find('=');
        auto key = part.substr(0, eq);
        auto value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
        params.emplace_back(uri_encode(uri_decode(key), false),
                            uri_encode(uri_decode(value), false));
    }
    std::sort(params.begin(), params.end());
    std::string out;
    for (const auto& [k, v] : params) {
        if (!out.empty()) out += '&';
        out += k + "=" + v;
    }
    return out;
}

std::string scope_of(std::time_t now, const SigningScope& scope) {
    return amz_date(now).substr(0, 8) + "/" + scope.region + "/" + scope.service + "/aws4_request";
}

std::string signing_key(const AwsCredentials& c, std::string_view date, const SigningScope& scope) {
    auto k_date = hmac_sha256("AWS4" + c.secret_access_key, date);
    auto k_region = hmac_sha256(k_date, scope.region);
    auto k_service = hmac_sha256(k_region, scope.service);
    return hmac_sha256(k_service, "aws4_request");
}

}  // namespace

std::string amz_date(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[17];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
    return text;
}

SignedRequest sign_request(const SignableRequest& request, const AwsCredentials& credentials,
                           const SigningScope& scope, std::time_t now,
                           const SigningOptions& options) {
    SignedRequest signed_request;
    auto date = amz_date(now);
    std::vector<Header> added{{"X-Amz-Date", date}};
    if (options.payload_hash_header)
        added.push_back({"x-amz-content-sha256", request.payload_hash});
    bool token = !credentials.session_token.empty();
    if (token && options.sign_session_token)
        added.push_back({"X-Amz-Security-Token", credentials.session_token});

    // Names lower-cased and sorted; values of a repeated name joined by ',' in order.
    std::map<std::string, std::string> headers;
    auto add = [&headers](const Header& h) {
        auto name = core::ascii_lower(h.name);
        // Trimmed, folded lines joined, runs of spaces made one.
        auto value = core::collapse_spaces(h.value);
        auto [it, fresh] = headers.emplace(name, value);
        if (!fresh) it->second += "," + value;
    };
    for (const auto& h : request.headers) add(h);
    for (const auto& h : added) add(h);
    std::string canonical_headers, signed_headers;
    for (const auto& [name, value] : headers) {
        canonical_headers += name + ":" + value + "\n";
        if (!signed_headers.empty()) signed_headers += ';';
        signed_headers += name;
    }
    auto path = options.normalize_path ? normalized_path(request.path) : request.path;
    if (options.encode_path) path = uri_encode(path, true);
    signed_request.canonical_request = request.method + "\n" + path + "\n" +
                                       canonical_query(request.query) + "\n" + canonical_headers +
                                       "\n" + signed_headers + "\n" + request.payload_hash;
    auto credential_scope = scope_of(now, scope);
    signed_request.string_to_sign = std::string(kAlgorithm) + "\n" + date + "\n" +
                                    credential_scope + "\n" +
                                    sha256_hex(signed_request.canonical_request);
    signed_request.signature = hex(hmac_sha256(signing_key(credentials, date.substr(0, 8), scope),
                                               signed_request.string_to_sign));
    if (token && !options.sign_session_token)
        added.push_back({"X-Amz-Security-Token", credentials.session_token});
    added.push_back({"Authorization", std::string(kAlgorithm) +
                                          " Credential=" + credentials.access_key_id + "/" +
                                          credential_scope + ", SignedHeaders=" + signed_headers +
                                          ", Signature=" + signed_request.signature});
    signed_request.headers = std::move(added);
    return signed_request;
}

std::string sign_event(std::string_view payload, std::string_view prior, std::int64_t now_ms,
                       const AwsCredentials& credentials, const SigningScope& scope) {
    auto now = static_cast<std::time_t>(now_ms / 1000);
    auto date = amz_date(now);
    // The :date header as the event stream encodes it: name length, name, type 8
    // (timestamp), milliseconds as a big-endian int64.
    std::string date_header;
    date_header += static_cast<char>(5);
    date_header += ":date";
    date_header += static_cast<char>(8);
    for (int shift = 56; shift >= 0; shift -= 8)
        date_header += static_cast<char>((static_cast<std::uint64_t>(now_ms) >> shift) & 0xFF);
    auto string_to_sign = std::string("AWS4-HMAC-SHA256-PAYLOAD\n") + date + "\n" +
                          scope_of(now, scope) + "\n" + std::string(prior) + "\n" +
                          sha256_hex(date_header) + "\n" + sha256_hex(payload);
    return hmac_sha256(signing_key(credentials, date.substr(0, 8), scope), string_to_sign);
}

}  // namespace mindme::upstream
