#include "push/fcm.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace mindme::push {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

json::object message_of(const PushMessage& m) {
    return json::parse(fcm_request_body(m)).as_object().at("message").as_object();
}

TEST(FcmMessage, HasTheTokenNotificationStringDataAndThePlatformsBlockOnly) {
    PushMessage m{
        "tok", "android", "MindMe", "photo.jpg is ready", {{"type", "file.ready"}, {"id", "f1"}}};
    auto android = message_of(m);
    EXPECT_EQ(android.at("token"), "tok");
    EXPECT_EQ(android.at("notification").at("title"), "MindMe");
    EXPECT_EQ(android.at("notification").at("body"), "photo.jpg is ready");
    EXPECT_EQ(android.at("data").at("type"), "file.ready");
    EXPECT_EQ(android.at("data").at("id"), "f1");
    EXPECT_EQ(android.at("android").at("priority"), "high");
    EXPECT_EQ(android.at("android").at("ttl"), "86400s");  // a duration string
    EXPECT_FALSE(android.contains("apns"));
    EXPECT_FALSE(android.contains("webpush"));
    // Exactly one target: the token (no topic, no condition).
    EXPECT_FALSE(android.contains("topic"));
    EXPECT_FALSE(android.contains("condition"));

    m.platform = "ios";
    auto ios = message_of(m);
    EXPECT_EQ(ios.at("apns").at("headers").at("apns-priority"), "10");
    EXPECT_EQ(ios.at("apns").at("payload").at("aps").at("sound"), "default");
    EXPECT_FALSE(ios.contains("android"));

    m.platform = "web";
    auto web = message_of(m);
    EXPECT_EQ(web.at("webpush").at("headers").at("Urgency"), "high");
    EXPECT_FALSE(web.contains("apns"));
    for (const auto& [k, v] : web.at("data").as_object()) EXPECT_TRUE(v.is_string()) << k;
}

std::string fcm_error(int code, const char* status, const char* message, const char* error_code,
                      const char* extra_detail = nullptr) {
    json::array details;
    if (error_code)
        details.push_back({{"@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError"},
                           {"errorCode", error_code}});
    if (extra_detail) details.push_back(json::parse(extra_detail));
    return json::serialize(json::object{
        {"error",
         {{"code", code}, {"message", message}, {"status", status}, {"details", details}}}});
}

// FCM's answers as firebase-admin's tests script them (messaging_test.go httpErrors),
// and what each means here.
TEST(FcmResponse, ClassifiesFcmErrorsAsTheGuidanceSays) {
    EXPECT_EQ(classify_fcm_response(200, R"({"name":"projects/p/messages/1"})", {}).outcome,
              Outcome::kSent);
    auto gone = classify_fcm_response(
        404, fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"), {});
    EXPECT_EQ(gone.outcome, Outcome::kUnregistered);
    EXPECT_NE(gone.error.find("UNREGISTERED"), std::string::npos);

    auto bad_token = classify_fcm_response(
        400,
        fcm_error(400, "INVALID_ARGUMENT",
                  "The registration token is not a valid FCM registration token",
                  "INVALID_ARGUMENT"),
        {});
    EXPECT_EQ(bad_token.outcome, Outcome::kInvalidToken);
    auto token_field = classify_fcm_response(
        400,
        fcm_error(
            400, "INVALID_ARGUMENT", "Invalid value", "INVALID_ARGUMENT",
            R"({"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"message.token","description":"Invalid registration token"}]})"),
        {});
    EXPECT_EQ(token_field.outcome, Outcome::kInvalidToken);
    // A bad payload fails for every token: it is no reason to drop this one.
    auto bad_payload = classify_fcm_response(
        400,
        fcm_error(400, "INVALID_ARGUMENT",
                  "Invalid value at 'message.data[0].value' (TYPE_STRING), 1", "INVALID_ARGUMENT"),
        {});
    EXPECT_EQ(bad_payload.outcome, Outcome::kRejected);
    EXPECT_NE(bad_payload.error.find("TYPE_STRING"), std::string::npos);

    auto quota = classify_fcm_response(
        429, fcm_error(429, "RESOURCE_EXHAUSTED", "quota", "QUOTA_EXCEEDED"), milliseconds(5000));
    EXPECT_EQ(quota.outcome, Outcome::kQuota);
    EXPECT_EQ(quota.retry_after, kQuotaPause);  // never sooner than a minute
    auto long_quota = classify_fcm_response(
        429, fcm_error(429, "RESOURCE_EXHAUSTED", "quota", "QUOTA_EXCEEDED"), milliseconds(120000));
    EXPECT_EQ(long_quota.retry_after, milliseconds(120000));

    auto unavailable = classify_fcm_response(
        503, fcm_error(503, "UNAVAILABLE", "try later", "UNAVAILABLE"), milliseconds(3000));
    EXPECT_EQ(unavailable.outcome, Outcome::kUnavailable);
    EXPECT_EQ(unavailable.retry_after, milliseconds(3000));
    EXPECT_EQ(
        classify_fcm_response(500, fcm_error(500, "INTERNAL", "oops", "INTERNAL"), {}).outcome,
        Outcome::kUnavailable);
    EXPECT_EQ(classify_fcm_response(502, "<html>bad gateway</html>", {}).outcome,
              Outcome::kUnavailable);

    EXPECT_EQ(classify_fcm_response(
                  403, fcm_error(403, "PERMISSION_DENIED", "mismatch", "SENDER_ID_MISMATCH"), {})
                  .outcome,
              Outcome::kRejected);
    EXPECT_EQ(classify_fcm_response(
                  401, fcm_error(401, "UNAUTHENTICATED", "apns", "THIRD_PARTY_AUTH_ERROR"), {})
                  .outcome,
              Outcome::kRejected);
    EXPECT_EQ(classify_fcm_response(400, "not json", {}).outcome, Outcome::kRejected);
}

}  // namespace
}  // namespace mindme::push
