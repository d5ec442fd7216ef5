// The AWS credential chain: environment, shared credentials file, then the instance role
// through an IMDSv2 stand-in (the token PUT required, the role's keys refreshed before
// they expire); and the error saying where it looked when nothing has credentials.
#include "upstream/aws_credentials.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/await_now.hpp"
#include "metrics/registry.hpp"
#include "upstream/stand_in_server.hpp"

namespace mindme::upstream {
namespace {

using core::await_now;
using testing::Received;
using testing::Reply;
using testing::StandInServer;

std::string iso(std::chrono::system_clock::time_point t) {
    auto tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

// An IMDSv2 stand-in: a session token from PUT /latest/api/token, required on the
// metadata GETs; the role "mindme-role" whose keys expire `lifetime` after each fetch.
struct Imds {
    explicit Imds(std::chrono::seconds lifetime)
        : server([this, lifetime](const Received& r) {
              if (r.method == "PUT" && r.target == "/latest/api/token") {
                  if (r.header("X-aws-ec2-metadata-token-ttl-seconds").empty())
                      return Reply{400, {}, ""};
                  return Reply{200, {}, "imds-session"};
              }
              if (r.header("X-aws-ec2-metadata-token") != "imds-session") return Reply{401, {}, ""};
              if (r.target == "/latest/meta-data/iam/security-credentials/")
                  return Reply{200, {}, "mindme-role"};
              if (r.target == "/latest/meta-data/iam/security-credentials/mindme-role") {
                  auto n = ++fetches;
                  return Reply{
                      200,
                      {},
                      R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIA)" +
                          std::to_string(n) +
                          R"(","SecretAccessKey":"secret","Token":"session","Expiration":")" +
                          iso(std::chrono::system_clock::now() + lifetime) + "\"}"};
              }
              return Reply{404, {}, ""};
          }) {}
    std::atomic<int> fetches{0};
    StandInServer server;
};

struct AwsCredentialsTest : ::testing::Test {
    AwsCredentialOptions options(std::map<std::string, std::string> env, const std::string& imds) {
        AwsCredentialOptions o;
        o.imds_url = imds;
        o.getenv = [env](const std::string& name) -> std::optional<std::string> {
            auto it = env.find(name);
            if (it == env.end()) return std::nullopt;
            return it->second;
        };
        return o;
    }
    Clock::time_point soon() { return Clock::now() + std::chrono::seconds(10); }
    metrics::Registry registry;
    HttpClient client{ClientOptions{}, registry};
};

TEST_F(AwsCredentialsTest, TheEnvironmentComesFirst) {
    AwsCredentialsProvider p(client, options({{"AWS_ACCESS_KEY_ID", "AKID"},
                                              {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                                              {"AWS_SESSION_TOKEN", "TOKEN"}},
                                             "http://127.0.0.1:9"));
    await_now(p.resolve(soon()));
    EXPECT_EQ(p.source(), "environment");
    auto c = await_now(p.credentials(soon()));
    EXPECT_EQ(c.access_key_id, "AKID");
    EXPECT_EQ(c.secret_access_key, "SECRET");
    EXPECT_EQ(c.session_token, "TOKEN");
}

TEST_F(AwsCredentialsTest, ThenTheSharedFilesProfile) {
    auto dir =
        std::filesystem::temp_directory_path() / ("mindme-aws-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "credentials")
        << "[default]\naws_access_key_id = DEF\naws_secret_access_key = d\n\n"
           "# a comment\n[work]\naws_access_key_id=WORK\n"
           "aws_secret_access_key=w\naws_session_token = t\n";
    AwsCredentialsProvider p(
        client, options({{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()},
                         {"AWS_PROFILE", "work"}},
                        "http://127.0.0.1:9"));
    await_now(p.resolve(soon()));
    EXPECT_EQ(p.source(), "shared credentials file " + (dir / "credentials").string() + " [work]");
    auto c = await_now(p.credentials(soon()));
    EXPECT_EQ(c.access_key_id, "WORK");
    EXPECT_EQ(c.session_token, "t");
    EXPECT_FALSE(parse_credentials_file("[default]\naws_access_key_id=x\n", "default"));
    std::filesystem::remove_all(dir);
}

TEST_F(AwsCredentialsTest, ThenTheInstanceRoleRefreshedBeforeExpiry) {
    Imds imds(std::chrono::minutes(5));  // inside the 10-minute refresh window at once
    AwsCredentialsProvider p(client, options({}, imds.server.url("")));
    await_now(p.resolve(soon()));
    EXPECT_EQ(p.source(), "instance role mindme-role");
    EXPECT_EQ(await_now(p.credentials(soon())).access_key_id, "ASIA2");
    EXPECT_EQ(imds.fetches.load(), 2);
    auto c = await_now(p.credentials(soon()));
    EXPECT_EQ(c.session_token, "session");
    EXPECT_EQ(imds.fetches.load(), 3);
}

TEST_F(AwsCredentialsTest, LongLivedRoleKeysAreCached) {
    Imds imds(std::chrono::hours(6));
    AwsCredentialsProvider p(client, options({}, imds.server.url("")));
    await_now(p.resolve(soon()));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(await_now(p.credentials(soon())).access_key_id, "ASIA1");
    EXPECT_EQ(imds.fetches.load(), 1);
}

TEST_F(AwsCredentialsTest, NoSourceSaysWhereItLooked) {
    StandInServer not_ec2([](const Received&) { return Reply{404, {}, ""}; });
    auto url = not_ec2.url("");
    AwsCredentialsProvider p(client, options({{"HOME", "/nonexistent-home"}}, url));
    try {
        await_now(p.resolve(soon()));
        FAIL() << "resolved";
    } catch (const std::runtime_error& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << message;
        EXPECT_NE(message.find("/nonexistent-home/.aws/credentials"), std::string::npos) << message;
        EXPECT_NE(message.find(url), std::string::npos) << message;
        EXPECT_NE(message.find("answered 404"), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace mindme::upstream
