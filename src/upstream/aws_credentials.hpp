#pragma once
// Where a process gets its AWS credentials, in the SDKs' order: the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the shared credentials
// file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, profile AWS_PROFILE or
// "default"), else the EC2 instance role through IMDSv2 (a session token PUT, then the
// role's temporary credentials, refreshed before they expire). The seed runs on EC2,
// where the role is how a process gets credentials.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "upstream/http_client.hpp"
#include "upstream/sigv4.hpp"
#include "upstream/single_flight.hpp"

namespace mindme::upstream {

struct AwsCredentialOptions {
    std::string imds_url = "http://169.254.169.254";
    // Role credentials this close to expiring are fetched again.
    std::chrono::minutes refresh_before{10};
    std::chrono::milliseconds imds_timeout{2000};
    // The environment to read (tests give their own); empty: the process's.
    std::function<std::optional<std::string>(const std::string&)> getenv;
};

// The profile's keys of an INI credentials file, or nullopt when it has none.
std::optional<AwsCredentials> parse_credentials_file(const std::string& text,
                                                     const std::string& profile);

class AwsCredentialsProvider {
public:
    AwsCredentialsProvider(HttpClient& client, AwsCredentialOptions options);

    // Finds the first source that has credentials (the instance role's are fetched).
    // Throws std::runtime_error saying where it looked when none has.
    boost::asio::awaitable<void> resolve(Clock::time_point deadline);
    // Valid credentials (the role's refreshed when near expiry). After resolve().
    boost::asio::awaitable<AwsCredentials> credentials(Clock::time_point deadline);
    // Where they come from: "environment", "shared credentials file <path> [profile]",
    // "instance role <name>".
    const std::string& source() const { return source_; }

private:
    struct RoleCredentials {
        AwsCredentials keys;
        std::chrono::system_clock::time_point expiration;
        std::string role;
    };
    std::optional<std::string> env(const std::string& name) const;
    boost::asio::awaitable<RoleCredentials> fetch_role(Clock::time_point deadline);
    boost::asio::awaitable<AwsCredentials> role_credentials(Clock::time_point deadline);

    HttpClient& client_;
    AwsCredentialOptions options_;
    std::string source_;
    std::optional<AwsCredentials> fixed_;  // environment or file
    bool role_ = false;
    // The client's loop only.
    std::optional<RoleCredentials> cached_;
    SingleFlight<RoleCredentials> refresh_;
};

}  // namespace mindme::upstream
