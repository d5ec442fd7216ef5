#include "auth/firebase_config.hpp"

#include "core/config.hpp"

namespace mindme::auth {

void declare_firebase_config(core::ConfigSchema& schema) {
    schema.add_string("auth.firebase.project_id", "",
                      "The Firebase project whose ID tokens sign users in (POST /v1/sessions "
                      "with firebase_id_token, or as a bearer token on any route). Empty: "
                      "Firebase sign-in is off.");
    schema.add_string(
        "auth.firebase.certs_url",
        "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com",
        "Where the keys that sign Firebase ID tokens are published (a JSON object of key id "
        "to PEM certificate), cached for its Cache-Control max-age.");
    schema.add_int("auth.firebase.clock_skew_seconds", 60, 0, 300,
                   "How far a Firebase ID token's iat may lie in the future, and its exp in the "
                   "past, and still be accepted (clocks differ).");
    schema.add_int("auth.firebase.key_refetch_seconds", 60, 0, 86'400,
                   "A token signed by a key id the cache does not hold fetches the keys at once "
                   "(a rotation), at most once per this many seconds.");
    schema.add_string("auth.firebase.web_api_key", "",
                      "The Firebase Web API key (public, as in any Firebase web app's config): "
                      "the web app signs in with Firebase email and password through it. Empty: "
                      "the web app offers password sign-in only.");
    schema.add_string("auth.firebase.web_auth_domain", "",
                      "The Firebase web config's authDomain (PROJECT.firebaseapp.com), given to "
                      "the web app with the API key.");
    schema.add_string("auth.firebase.web_identity_url", "https://identitytoolkit.googleapis.com",
                      "The Identity Toolkit REST endpoint the web app signs in at (a stand-in's, "
                      "in tests).");
}

std::optional<FirebaseConfig> firebase_config(const core::Config& c) {
    auto project = c.get_string("auth.firebase.project_id");
    if (project.empty()) return std::nullopt;
    FirebaseConfig f;
    f.rules.project_id = project;
    f.rules.clock_skew = std::chrono::seconds(c.get_int("auth.firebase.clock_skew_seconds"));
    f.keys.url = c.get_string("auth.firebase.certs_url");
    f.keys.unknown_key_refetch =
        std::chrono::seconds(c.get_int("auth.firebase.key_refetch_seconds"));
    return f;
}

}  // namespace mindme::auth
