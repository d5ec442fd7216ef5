#include "upstream/google_credentials.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/await_now.hpp"
#include "core/base64url.hpp"
#include "core/text.hpp"
#include "metrics/registry.hpp"
#include "upstream/rs256.hpp"
#include "upstream/stand_in_server.hpp"
#include "upstream/test_certificates.hpp"

namespace mindme::upstream {
namespace {

using core::await_now;
using testing::Received;
using testing::Reply;
using testing::StandInServer;
namespace json = boost::json;

// A service account key minted for the test, and the public half to check its grants.
struct TestAccount {
    TestAccount() {
        char pattern[] = "/tmp/mindme-sa-XXXXXX";
        dir = mkdtemp(pattern);
        testing::run_command("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
                             dir + "/key.pem");
        testing::run_command("openssl pkey -in " + dir + "/key.pem -pubout -out " + dir +
                             "/pub.pem");
        private_key = core::read_text_file(dir + "/key.pem");
        public_key = core::read_text_file(dir + "/pub.pem");
    }
    ~TestAccount() { std::filesystem::remove_all(dir); }
    std::string key_json(const std::string& token_uri) const {
        json::object o{{"type", "service_account"},
                       {"project_id", "mindme-test"},
                       {"private_key_id", "key-1"},
                       {"private_key", private_key},
                       {"client_email", "push@mindme-test.iam.gserviceaccount.com"},
                       {"token_uri", token_uri}};
        return json::serialize(o);
    }
    std::string dir, private_key, public_key;
};

// What the token endpoint checks of a grant: the form, the assertion's signature and
// claims (as Google's does). Empty when it is right, else why not.
std::string check_grant(const Received& r, const std::string& public_key,
                        const std::string& token_uri) {
    if (r.header("Content-Type") != "application/x-www-form-urlencoded") return "content type";
    auto params = boost::urls::parse_query(r.body);
    if (!params) return "form";
    std::string grant_type, assertion;
    for (auto p : *params) {
        auto value = *p.value;  // percent-decoded
        if (p.key == "grant_type") grant_type.assign(value.begin(), value.end());
        if (p.key == "assertion") assertion.assign(value.begin(), value.end());
    }
    if (grant_type != "urn:ietf:params:oauth:grant-type:jwt-bearer") return "grant_type";
    auto dot1 = assertion.find('.');
    auto dot2 = assertion.rfind('.');
    if (dot1 == std::string::npos || dot1 == dot2) return "segments";
    auto signature = core::base64url_decode(assertion.substr(dot2 + 1));
    if (!signature || !RsaPublicKey::from_public_key_pem(public_key)
                           .verify(assertion.substr(0, dot2), *signature))
        return "signature";
    auto header = json::parse(*core::base64url_decode(assertion.substr(0, dot1))).as_object();
    auto claims = json::parse(*core::base64url_decode(assertion.substr(dot1 + 1, dot2 - dot1 - 1)))
                      .as_object();
    if (header.at("alg") != "RS256" || header.at("kid") != "key-1") return "header";
    if (claims.at("iss") != "push@mindme-test.iam.gserviceaccount.com") return "iss";
    if (claims.at("aud").as_string() != token_uri) return "aud";
    if (claims.at("scope") != "https://www.googleapis.com/auth/firebase.messaging") return "scope";
    auto iat = claims.at("iat").as_int64(), exp = claims.at("exp").as_int64();
    if (exp - iat != 3600 || std::abs(iat - std::time(nullptr)) > 60) return "times";
    return "";
}

constexpr const char* kScope = "https://www.googleapis.com/auth/firebase.messaging";

struct GoogleTokensTest : ::testing::Test {
    ClientOptions options() {
        ClientOptions o;
        o.backoff_base = std::chrono::milliseconds(10);
        return o;
    }
    Clock::time_point soon() { return Clock::now() + std::chrono::seconds(20); }
    metrics::Registry registry;
    TestAccount account;
};

TEST(ServiceAccountTest, NamesWhatIsMissing) {
    EXPECT_THROW(ServiceAccount::parse("[]"), std::invalid_argument);
    try {
        ServiceAccount::parse(R"({"type":"service_account","client_email":"a@b"})");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("private_key"), std::string::npos) << e.what();
    }
    try {
        ServiceAccount::parse(
            R"({"client_email":"a","private_key":"nope","private_key_id":"k","token_uri":"u","project_id":"p"})");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("RSA"), std::string::npos) << e.what();
    }
    try {
        ServiceAccount::load("/nonexistent/key.json");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/key.json"), std::string::npos);
    }
}

TEST_F(GoogleTokensTest, GrantsOnceAndCachesTheToken) {
    std::string token_uri;
    std::string problem;
    StandInServer endpoint([&](const Received& r) {
        problem = check_grant(r, account.public_key, token_uri);
        if (!problem.empty())
            return Reply{
                400, {}, R"({"error":"invalid_grant","error_description":")" + problem + "\"}"};
        return Reply{200,
                     {{"Content-Type", "application/json"}},
                     R"({"access_token":"ya29.one","expires_in":3599,"token_type":"Bearer"})"};
    });
    token_uri = endpoint.url("/token");
    HttpClient client(options(), registry);
    GoogleAccessTokens tokens(client, ServiceAccount::parse(account.key_json(token_uri)), kScope);
    EXPECT_EQ(await_now(tokens.token(soon())), "ya29.one");
    EXPECT_EQ(problem, "");
    EXPECT_EQ(await_now(tokens.token(soon())), "ya29.one");
    EXPECT_EQ(endpoint.received().size(), 1u);
    EXPECT_EQ(tokens.grants(), 1u);
}

TEST_F(GoogleTokensTest, OneGrantInFlightForManyCallers) {
    StandInServer endpoint([](const Received&) {
        auto r = Reply::paused(std::chrono::milliseconds(300));
        r.body = R"({"access_token":"shared","expires_in":3599})";
        return r;
    });
    HttpClient client(options(), registry);
    GoogleAccessTokens tokens(
        client, ServiceAccount::parse(account.key_json(endpoint.url("/token"))), kScope);
    boost::asio::io_context loop;
    std::vector<std::future<std::string>> waiting;
    for (int i = 0; i < 8; ++i)
        waiting.push_back(
            boost::asio::co_spawn(loop, tokens.token(soon()), boost::asio::use_future));
    loop.run();
    for (auto& w : waiting) EXPECT_EQ(w.get(), "shared");
    EXPECT_EQ(endpoint.received().size(), 1u);
}

TEST_F(GoogleTokensTest, RefreshesATokenCloseToItsExpiry) {
    int n = 0;
    StandInServer endpoint([&n](const Received&) {
        ++n;
        // Within kRefreshBefore of expiring as soon as it is granted.
        return Reply{
            200, {}, R"({"access_token":"t)" + std::to_string(n) + R"(","expires_in":200})"};
    });
    HttpClient client(options(), registry);
    GoogleAccessTokens tokens(
        client, ServiceAccount::parse(account.key_json(endpoint.url("/token"))), kScope);
    EXPECT_EQ(await_now(tokens.token(soon())), "t1");
    EXPECT_EQ(await_now(tokens.token(soon())), "t2");
}

TEST_F(GoogleTokensTest, A401FromTheApiRefreshesOnceAndRetries) {
    int granted = 0;
    StandInServer endpoint([&](const Received& r) {
        if (r.target == "/token")
            return Reply{
                200,
                {},
                R"({"access_token":"t)" + std::to_string(++granted) + R"(","expires_in":3599})"};
        return r.header("Authorization") == "Bearer t2" ? Reply{200, {}, "sent"}
                                                        : Reply{401, {}, ""};
    });
    HttpClient client(options(), registry);
    GoogleAccessTokens tokens(
        client, ServiceAccount::parse(account.key_json(endpoint.url("/token"))), kScope);
    CallOptions call;
    call.upstream = "api";
    auto r = await_now(tokens.send({"POST", endpoint.url("/send"), {}, "{}"}, call));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(granted, 2);
    // A token the API keeps refusing is not refreshed without end.
    StandInServer refusing([&](const Received& req) {
        if (req.target == "/token")
            return Reply{200, {}, R"({"access_token":"x","expires_in":3599})"};
        return Reply{401, {}, ""};
    });
    GoogleAccessTokens other(
        client, ServiceAccount::parse(account.key_json(refusing.url("/token"))), kScope);
    EXPECT_EQ(await_now(other.send({"POST", refusing.url("/send"), {}, "{}"}, call)).status, 401);
    EXPECT_EQ(refusing.received().size(), 4u);  // grant, send, grant, send
}

TEST_F(GoogleTokensTest, ARefusedGrantSaysWhy) {
    StandInServer endpoint([](const Received&) {
        return Reply{
            400, {}, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})"};
    });
    HttpClient client(options(), registry);
    GoogleAccessTokens tokens(
        client, ServiceAccount::parse(account.key_json(endpoint.url("/token"))), kScope);
    try {
        await_now(tokens.token(soon()));
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("invalid_grant: Invalid JWT Signature."),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace mindme::upstream
