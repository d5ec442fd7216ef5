#pragma once
// Push messages through Firebase Cloud Messaging's HTTP v1 API: one message per device
// token (POST {base}/v1/projects/{project}/messages:send, a service account's OAuth token),
// with a notification, string-only data, and the block of the device's platform; and
// what FCM's answer means for the device and for a retry.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "core/config_fwd.hpp"
#include "upstream/google_credentials.hpp"

namespace mindme::push {

struct PushMessage {
    std::string token;
    std::string platform;  // android | ios | web
    std::string title;
    std::string body;
    std::map<std::string, std::string> data;  // FCM takes strings only
};

// The request body: {"message":{token, notification, data, android|apns|webpush}}.
std::string fcm_request_body(const PushMessage& message);

enum class Outcome {
    kSent,
    kUnregistered,  // the token is gone (app uninstalled): delete the device
    kInvalidToken,  // INVALID_ARGUMENT about the token itself: delete the device
    kQuota,         // QUOTA_EXCEEDED: retry no sooner than retry_after
    kUnavailable,   // UNAVAILABLE / INTERNAL / unreachable: retry with backoff
    kRejected,      // any other refusal: not retried, the error kept
};
const char* outcome_name(Outcome outcome);

struct SendResult {
    Outcome outcome = Outcome::kSent;
    std::string error;                         // FCM's code and message
    std::chrono::milliseconds retry_after{0};  // for kQuota and kUnavailable
};

// What FCM's answer (status, body, Retry-After) means.
SendResult classify_fcm_response(int status, const std::string& body,
                                 std::optional<std::chrono::milliseconds> retry_after);

// QUOTA_EXCEEDED waits at least this before a retry (FCM's guidance).
inline constexpr std::chrono::minutes kQuotaPause{1};
// The OAuth scope of sending.
inline constexpr const char* kMessagingScope = "https://www.googleapis.com/auth/firebase.messaging";

struct FcmOptions {
    std::string base_url = "https://fcm.googleapis.com";
    std::string project_id;
};

void declare_config(core::ConfigSchema& schema);
// nullopt when push.fcm.credentials_file is unset; the project from push.fcm.project_id
// or the key file. Throws std::invalid_argument for a key file that cannot serve.
struct FcmConfig {
    upstream::ServiceAccount account;
    FcmOptions options;
};
std::optional<FcmConfig> fcm_config(const core::Config& config);

class FcmSender {
public:
    FcmSender(upstream::GoogleAccessTokens& tokens, FcmOptions options);
    boost::asio::awaitable<SendResult> send(const PushMessage& message,
                                            upstream::Clock::time_point deadline);

private:
    upstream::GoogleAccessTokens& tokens_;
    FcmOptions options_;
    std::string url_;
};

}  // namespace mindme::push
