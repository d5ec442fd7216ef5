#pragma once
// AWS Signature Version 4: the canonical request, the string to sign, the signing key
// derived from the secret (date, region, service), and the Authorization header; and the
// chained signatures of an event stream's messages (each signs the one before it, starting
// from the request's), as Bedrock's bidirectional streams need. Held to AWS's published
// signing test suite (tests/vectors/aws-sigv4).
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "upstream/http_client.hpp"

namespace mindme::upstream {

struct AwsCredentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // temporary credentials (a role's); "" for long-term keys
};

struct SigningScope {
    std::string region;
    std::string service;
};

struct SignableRequest {
    std::string method;
    std::string path;   // as sent on the wire (percent-encoded), or raw in the test suite
    std::string query;  // after '?', as sent
    std::vector<Header> headers;
    std::string payload_hash;  // hex SHA-256 of the body, or a literal such as UNSIGNED-PAYLOAD
};

struct SigningOptions {
    bool normalize_path = true;        // remove dot segments and empty ones (not for S3)
    bool encode_path = true;           // URI-encode the path again (every service but S3)
    bool payload_hash_header = false;  // add and sign x-amz-content-sha256
    bool sign_session_token = true;    // false: x-amz-security-token added after signing
};

struct SignedRequest {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;        // hex
    std::vector<Header> headers;  // to add to the request: X-Amz-Date, ..., Authorization
};

SignedRequest sign_request(const SignableRequest& request, const AwsCredentials& credentials,
                           const SigningScope& scope, std::time_t now,
                           const SigningOptions& options = {});

// The signature (32 raw bytes) of one event-stream message: `payload` (the encoded inner
// message; empty for the final one) signed at `now_ms` after the one whose hex signature
// is `prior` (the request's for the first message).
std::string sign_event(std::string_view payload, std::string_view prior, std::int64_t now_ms,
                       const AwsCredentials& credentials, const SigningScope& scope);

// 20150830T123600Z
std::string amz_date(std::time_t t);

}  // namespace mindme::upstream
