#pragma once
// Google service-account credentials: the JSON key file, the OAuth 2.0 JWT-bearer grant
// (RFC 7523) that trades an RS256 assertion for an access token, and the token's cache —
// refreshed a few minutes before it expires, one refresh in flight however many callers
// wait, and refreshed once more when an API answers 401.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "upstream/http_client.hpp"
#include "upstream/single_flight.hpp"

namespace mindme::upstream {

struct ServiceAccount {
    std::string client_email;
    std::string private_key;  // PEM
    std::string private_key_id;
    std::string token_uri;
    std::string project_id;

    // Throws std::invalid_argument naming the field that is missing or wrong.
    static ServiceAccount parse(std::string_view json);
    // parse() of the file; std::invalid_argument names the path when it cannot be read.
    static ServiceAccount load(const std::string& path);
};

// The signed assertion of the grant: iss = client_email, the scope, aud = token_uri,
// iat = now, exp = now + 3600; kid = private_key_id.
std::string grant_assertion(const ServiceAccount& account, const std::string& scope,
                            std::int64_t now_seconds);

class GoogleAccessTokens {
public:
    // A token this close to its expiry is refreshed (google-auth's threshold).
    static constexpr std::chrono::seconds kRefreshBefore{225};

    GoogleAccessTokens(HttpClient& client, ServiceAccount account, std::string scope);

    // A valid access token; throws UpstreamError or std::runtime_error (the grant refused,
    // its message kept) when none can be had.
    boost::asio::awaitable<std::string> token(Clock::time_point deadline);
    // `request` with `Authorization: Bearer <token>`; a 401 refreshes the token once and
    // sends again.
    boost::asio::awaitable<ClientResponse> send(ClientRequest request, CallOptions options);
    const ServiceAccount& account() const { return account_; }
    // Grants made so far (refreshes included).
    std::uint64_t grants() const { return grants_.load(); }

private:
    // On the client's loop: the cached token unless it is `stale` or about to expire.
    boost::asio::awaitable<std::string> current(Clock::time_point deadline, std::string stale);
    boost::asio::awaitable<std::string> grant(Clock::time_point deadline);

    HttpClient& client_;
    ServiceAccount account_;
    std::string scope_;
    // The client's loop only.
    std::string token_;
    Clock::time_point refresh_at_{};
    SingleFlight<std::string> refresh_;
    std::atomic<std::uint64_t> grants_{0};
};

}  // namespace mindme::upstream
