// Firebase ID token verification against a key-server stand-in (a JSON object of key id
// to PEM certificate with Cache-Control, as Google's), with keys and certificates minted
// by the test. The rejection cases are firebase-admin's own (Go auth_test.go
// TestVerifyIDTokenError, Python test_token_gen.py invalid_tokens, Node token-verifier).
#include "auth/firebase_id_tokens.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/await_now.hpp"
#include "core/base64url.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "metrics/registry.hpp"
#include "upstream/rs256.hpp"
#include "upstream/stand_in_server.hpp"
#include "upstream/test_certificates.hpp"

namespace mindme::auth {
namespace {

using core::await_now;
using upstream::testing::Received;
using upstream::testing::Reply;
using upstream::testing::StandInServer;
namespace json = boost::json;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr const char* kProject = "mindme-test";

// An RSA key and a self-signed certificate of it, minted with openssl.
struct SigningKey {
    explicit SigningKey(const std::string& dir, const std::string& name) {
        upstream::testing::run_command(
            "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=" + name + " -keyout " +
            dir + "/" + name + ".key -out " + dir + "/" + name + ".pem");
        private_key = core::read_text_file(dir + "/" + name + ".key");
        certificate = core::read_text_file(dir + "/" + name + ".pem");
    }
    std::string private_key;
    std::string certificate;
};

std::string segment(const json::object& o) { return core::base64url_encode(json::serialize(o)); }

std::string sign(const json::object& header, const json::object& payload, const std::string& key) {
    auto input = segment(header) + "." + segment(payload);
    return input + "." + core::base64url_encode(upstream::rs256_sign(key, input));
}

json::object valid_claims() {
    return {{"iss", std::string("https://securetoken.google.com/") + kProject},
            {"aud", kProject},
            {"sub", "user-123"},
            {"iat", kNow - 100},
            {"exp", kNow + 3500},
            {"auth_time", kNow - 100},
            {"email", "ann@example.com"},
            {"email_verified", true}};
}

struct FirebaseTokensTest : ::testing::Test {
    FirebaseTokensTest()
        : dir(make_dir()),
          key1(dir, "key-1"),
          key2(dir, "key-2"),
          server([this](const Received&) {
              ++fetches;
              if (failing) return Reply{500, {}, "down"};
              json::object certs;
              for (const auto& [kid, key] : published) certs[kid] = key->certificate;
              return Reply{200,
                           {{"Content-Type", "application/json"},
                            {"Cache-Control", "public, max-age=" + std::to_string(max_age.load()) +
                                                  ", must-revalidate, no-transform"}},
                           json::serialize(certs)};
          }),
          client(client_options(), registry) {
        published = {{"kid-1", &key1}};
    }
    ~FirebaseTokensTest() override { std::filesystem::remove_all(dir); }

    static std::string make_dir() {
        char pattern[] = "/tmp/mindme-firebase-XXXXXX";
        return mkdtemp(pattern);
    }
    static upstream::ClientOptions client_options() {
        upstream::ClientOptions o;
        o.max_attempts = 1;
        return o;
    }
    FirebaseKeysOptions key_options(std::chrono::seconds refetch = std::chrono::seconds(60)) {
        FirebaseKeysOptions o;
        o.url = server.url("/certs");
        o.unknown_key_refetch = refetch;
        return o;
    }
    std::string token(const json::object& claims, const std::string& kid = "kid-1",
                      const SigningKey* key = nullptr) {
        json::object header{{"alg", "RS256"}, {"typ", "JWT"}};
        if (!kid.empty()) header["kid"] = kid;
        return sign(header, claims, (key ? *key : key1).private_key);
    }
    // The message of the 401 that `token` gets, or "accepted".
    std::string verdict(FirebaseIdTokens& verifier, const std::string& t) {
        try {
            await_now(verifier.verify(t));
            return "accepted";
        } catch (const core::ApiError& e) {
            EXPECT_EQ(e.code(), core::ErrorCode::kUnauthorized) << e.what();
            return e.what();
        }
    }

    std::string dir;
    SigningKey key1, key2;
    std::vector<std::pair<std::string, const SigningKey*>> published;
    std::atomic<int> fetches{0};
    std::atomic<bool> failing{false};
    std::atomic<int> max_age{3600};
    StandInServer server;
    metrics::Registry registry;
    upstream::HttpClient client;
};

TEST(CacheMaxAge, ReadsMaxAgeAsFirebaseAdminDoes) {
    EXPECT_EQ(cache_max_age("max-age=100"), 100);
    EXPECT_EQ(cache_max_age("public, max-age=100, must-revalidate, no-transform"), 100);
    for (const char* none :
         {"max-age 100", "max-age: 100", "max-age2=100", "max-age=foo", "", "public"})
        EXPECT_EQ(cache_max_age(none), 0) << none;
}

TEST_F(FirebaseTokensTest, AcceptsAValidToken) {
    FirebaseKeys keys(client, key_options());
    FirebaseIdTokens verifier(keys, {kProject, std::chrono::seconds(60)}, [] { return kNow; });
    auto identity = await_now(verifier.verify(token(valid_claims())));
    EXPECT_EQ(identity.uid, "user-123");
    EXPECT_EQ(identity.email, "ann@example.com");
    auto unverified = valid_claims();
    unverified["email_verified"] = false;
    EXPECT_EQ(await_now(verifier.verify(token(unverified))).email, "");
    EXPECT_EQ(fetches.load(), 1);  // cached for max-age
}

TEST_F(FirebaseTokensTest, RejectsEachBrokenRuleByName) {
    FirebaseKeys keys(client, key_options(std::chrono::seconds(0)));
    FirebaseIdTokens verifier(keys, {kProject, std::chrono::seconds(60)}, [] { return kNow; });
    auto with = [](const char* field, json::value v) {
        auto c = valid_claims();
        c[field] = std::move(v);
        return c;
    };
    auto without = [](const char* field) {
        auto c = valid_claims();
        c.erase(field);
        return c;
    };
    auto good = token(valid_claims());
    auto dot = good.rfind('.');
    struct Case {
        const char* name;
        std::string token;
        const char* rule;
    };
    json::object hs256_header{{"alg", "HS256"}, {"kid", "kid-1"}};
    json::object none_header{{"alg", "none"}, {"kid", "kid-1"}};
    auto custom = valid_claims();
    custom["aud"] =
        "https://identitytoolkit.googleapis.com/"
        "google.identity.identitytoolkit.v1.IdentityToolkit";
    std::vector<Case> cases{
        {"NoKid", token(valid_claims(), ""), "no key id"},
        {"CustomToken", token(custom, ""), "custom token"},
        {"WrongKid", token(valid_claims(), "kid-unknown"), "unknown key"},
        {"BadAudience", token(with("aud", "another-project")), "wrong audience"},
        {"BadIssuer", token(with("iss", "https://securetoken.google.com/another")), "wrong issuer"},
        {"EmptySubject", token(with("sub", "")), "empty subject"},
        {"NonStringSubject", token(with("sub", 10)), "no subject"},
        {"MissingSubject", token(without("sub")), "no subject"},
        {"TooLongSubject", token(with("sub", json::string(129, 'a'))), "longer than 128"},
        {"FutureToken", token(with("iat", kNow + 61)), "in the future"},
        {"ExpiredToken", token(with("exp", kNow - 61)), "expired"},
        {"ExpiredTokenShort", token(with("exp", kNow - 90)), "expired"},
        {"EmptyToken", "", "malformed"},
        {"TooFewSegments", "foo", "malformed"},
        {"TooManySegments", "fo.ob.ar.baz", "malformed"},
        {"MalformedToken", "foo.bar.baz", "malformed"},
        {"HS256",
         segment(hs256_header) + "." + segment(valid_claims()) + "." +
             core::base64url_encode(std::string(32, 'x')),
         "only RS256"},
        {"Unsigned", segment(none_header) + "." + segment(valid_claims()) + ".", "only RS256"},
        {"BadSignature", good.substr(0, dot + 1) + core::base64url_encode(std::string(256, 'x')),
         "invalid signature"},
        {"OtherKeysSignature", token(valid_claims(), "kid-1", &key2), "invalid signature"},
        {"AlteredPayload",
         segment({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "kid-1"}}) + "." +
             segment(with("sub", "someone-else")) + good.substr(dot),
         "invalid signature"},
    };
    for (const auto& c : cases) {
        auto message = verdict(verifier, c.token);
        EXPECT_NE(message.find(c.rule), std::string::npos) << c.name << ": " << message;
    }
}

TEST_F(FirebaseTokensTest, AllowsTheConfiguredClockSkewAndNoMore) {
    FirebaseKeys keys(client, key_options());
    FirebaseIdTokens verifier(keys, {kProject, std::chrono::seconds(60)}, [] { return kNow; });
    auto claims = valid_claims();
    claims["iat"] = kNow + 59;
    EXPECT_EQ(verdict(verifier, token(claims)), "accepted");
    claims = valid_claims();
    claims["exp"] = kNow - 59;
    EXPECT_EQ(verdict(verifier, token(claims)), "accepted");
    FirebaseIdTokens strict(keys, {kProject, std::chrono::seconds(0)}, [] { return kNow; });
    EXPECT_NE(verdict(strict, token(claims)), "accepted");
}

TEST_F(FirebaseTokensTest, PicksUpARotatedKeyAtOnce) {
    FirebaseKeys keys(client, key_options());
    FirebaseIdTokens verifier(keys, {kProject, std::chrono::seconds(60)}, [] { return kNow; });
    EXPECT_EQ(verdict(verifier, token(valid_claims())), "accepted");
    published = {{"kid-1", &key1}, {"kid-2", &key2}};
    EXPECT_EQ(verdict(verifier, token(valid_claims(), "kid-2", &key2)), "accepted");
    EXPECT_EQ(fetches.load(), 2);
    // Made-up key ids do not fetch again within the refetch interval.
    for (int i = 0; i < 5; ++i)
        EXPECT_NE(verdict(verifier, token(valid_claims(), "kid-x" + std::to_string(i))),
                  "accepted");
    EXPECT_EQ(fetches.load(), 2);
}

TEST_F(FirebaseTokensTest, AFailedRefreshKeepsTheLastGoodKeys) {
    max_age = 0;  // stale at once: every use refreshes in the background
    FirebaseKeys keys(client, key_options());
    FirebaseIdTokens verifier(keys, {kProject, std::chrono::seconds(60)}, [] { return kNow; });
    EXPECT_EQ(verdict(verifier, token(valid_claims())), "accepted");
    failing = true;
    for (int i = 0; i < 200 && fetches.load() < 2; ++i) {
        EXPECT_EQ(verdict(verifier, token(valid_claims())), "accepted");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GE(fetches.load(), 2);  // the refresh ran, and failed
    EXPECT_EQ(verdict(verifier, token(valid_claims())), "accepted");
}

TEST_F(FirebaseTokensTest, NoKeysAtAllIsUnavailableNotUnauthorized) {
    failing = true;
    FirebaseKeys keys(client, key_options());
    FirebaseIdTokens verifier(keys, {kProject, std::chrono::seconds(60)}, [] { return kNow; });
    for (int i = 0; i < 3; ++i) {
        try {
            await_now(verifier.verify(token(valid_claims())));
            FAIL();
        } catch (const core::ApiError& e) {
            EXPECT_EQ(e.code(), core::ErrorCode::kUnavailable) << e.what();
        }
    }
    // One fetch: the sign-ins right after a failure do not ask the key server again.
    EXPECT_EQ(fetches.load(), 1);
    EXPECT_EQ(keys.fetches(), 1u);
}

}  // namespace
}  // namespace mindme::auth
