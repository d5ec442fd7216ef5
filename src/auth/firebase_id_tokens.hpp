#pragma once
// Firebase ID tokens verified as firebase-admin verifies them: three segments; alg RS256
// only; a known kid; aud the project id; iss https://securetoken.google.com/<project>;
// sub a non-empty string of at most 128 characters; iat not in the future and exp not
// past (each with the configured clock skew); an RSASSA-PKCS1-v1_5 SHA-256 signature by
// the key of that kid. The cheap checks run first, the signature (which may fetch keys)
// last. A rejection is a 401 naming the rule; no token content is logged.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "auth/firebase_keys.hpp"

namespace mindme::auth {

struct FirebaseIdentity {
    std::string uid;    // the token's sub
    std::string email;  // when the token has one and says it is verified, else ""
};

struct FirebaseTokenRules {
    std::string project_id;
    std::chrono::seconds clock_skew{60};
};

class FirebaseIdTokens {
public:
    FirebaseIdTokens(FirebaseKeys& keys, FirebaseTokenRules rules,
                     std::function<std::int64_t()> now_seconds = {});
    // The identity in `token`; ApiError 401 naming the rule it breaks.
    boost::asio::awaitable<FirebaseIdentity> verify(std::string_view token);

private:
    FirebaseKeys& keys_;
    FirebaseTokenRules rules_;
    std::string issuer_;
    std::function<std::int64_t()> now_seconds_;
};

}  // namespace mindme::auth
