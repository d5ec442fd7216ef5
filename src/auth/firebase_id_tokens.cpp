#include "auth/firebase_id_tokens.hpp"

#include <ctime>

#include "auth/authenticator.hpp"
#include "core/compact_jws.hpp"

namespace mindme::auth {

namespace json = boost::json;

namespace {

// The audience of a custom token (minted by a server to sign in with on the client):
// sent here instead of the ID token it is exchanged for, a classic client mistake.
constexpr std::string_view kCustomTokenAudience =
    "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit";
constexpr std::size_t kMaxSubject = 128;

core::ApiError rejected(const std::string& rule) {
    return unauthorized("the Firebase ID token " + rule);
}

const json::string* string_field(const json::object& o, std::string_view name) {
    const auto* v = o.if_contains(name);
    return v && v->is_string() ? &v->as_string() : nullptr;
}

std::optional<std::int64_t> time_field(const json::object& o, std::string_view name) {
    const auto* v = o.if_contains(name);
    if (!v || !v->is_number()) return std::nullopt;
    return static_cast<std::int64_t>(v->to_number<double>());
}

}  // namespace

FirebaseIdTokens::FirebaseIdTokens(FirebaseKeys& keys, FirebaseTokenRules rules,
                                   std::function<std::int64_t()> now_seconds)
    : keys_(keys),
      rules_(std::move(rules)),
      issuer_("https://securetoken.google.com/" + rules_.project_id),
      now_seconds_(now_seconds ? std::move(now_seconds)
                               : [] { return static_cast<std::int64_t>(std::time(nullptr)); }) {}

boost::asio::awaitable<FirebaseIdentity> FirebaseIdTokens::verify(std::string_view token) {
    core::CompactJws jws;
    if (auto malformed = core::decode_compact_jws(token, jws))
        throw rejected("is malformed: " + *malformed);
    const auto* alg = string_field(jws.header, "alg");
    if (!alg) throw rejected("has no algorithm (alg); it must be RS256");
    if (*alg != "RS256")
        throw rejected("has algorithm " + std::string(alg->size() <= 16 ? *alg : "(unknown)") +
                       "; only RS256 is accepted");
    const auto* aud = string_field(jws.payload, "aud");
    const auto* kid = string_field(jws.header, "kid");
    if (!kid || kid->empty()) {
        if (aud && *aud == kCustomTokenAudience)
            throw rejected(
                "is a custom token: sign in with it on the client and send the ID token");
        throw rejected("has no key id (kid)");
    }
    if (!aud || *aud != rules_.project_id)
        throw rejected("has the wrong audience (aud): it was not issued for this Firebase project");
    const auto* iss = string_field(jws.payload, "iss");
    if (!iss || *iss != issuer_)
        throw rejected("has the wrong issuer (iss): it must be " + issuer_);
    const auto* sub_value = jws.payload.if_contains("sub");
    if (!sub_value || !sub_value->is_string()) throw rejected("has no subject (sub) string");
    const auto& sub = sub_value->as_string();
    if (sub.empty()) throw rejected("has an empty subject (sub)");
    if (sub.size() > kMaxSubject) throw rejected("has a subject (sub) longer than 128 characters");
    auto iat = time_field(jws.payload, "iat");
    auto exp = time_field(jws.payload, "exp");
    if (!iat || !exp) throw rejected("has no issue (iat) or expiry (exp) time");
    auto now = now_seconds_();
    auto skew = rules_.clock_skew.count();
    if (*iat - skew > now) throw rejected("was issued in the future (iat)");
    if (*exp + skew < now) throw rejected("has expired (exp)");

    auto key = co_await keys_.key(std::string(*kid));
    if (!key) throw rejected("was signed by an unknown key (kid): none of Firebase's current keys");
    if (!key->verify(jws.signing_input, jws.signature)) throw rejected("has an invalid signature");

    FirebaseIdentity identity{std::string(sub), ""};
    const auto* verified = jws.payload.if_contains("email_verified");
    if (const auto* email = string_field(jws.payload, "email");
        email && verified && verified->is_bool() && verified->as_bool())
        identity.email = std::string(*email);
    co_return identity;
}

}  // namespace mindme::auth
