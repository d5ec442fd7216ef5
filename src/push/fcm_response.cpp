#include <boost/json.hpp>

#include "push/fcm.hpp"

namespace mindme::push {

namespace json = boost::json;

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::kSent:
            return "sent";
        case Outcome::kUnregistered:
            return "unregistered";
        case Outcome::kInvalidToken:
            return "invalid_token";
        case Outcome::kQuota:
            return "quota_exceeded";
        case Outcome::kUnavailable:
            return "unavailable";
        case Outcome::kRejected:
            return "rejected";
    }
    return "?";
}

namespace {

struct FcmError {
    std::string status;      // google.rpc status: INVALID_ARGUMENT, NOT_FOUND...
    std::string error_code;  // FcmError.errorCode: UNREGISTERED, QUOTA_EXCEEDED...
    std::string message;
    bool about_token = false;  // a BadRequest field violation of message.token
};

FcmError read_error(const std::string& body) {
    FcmError e;
    boost::system::error_code ec;
    auto value = json::parse(body, ec);
    if (ec || !value.is_object()) return e;
    const auto* error = value.as_object().if_contains("error");
    if (!error || !error->is_object()) return e;
    const auto& o = error->as_object();
    auto text = [](const json::object& obj, const char* k) {
        const auto* v = obj.if_contains(k);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    e.status = text(o, "status");
    e.message = text(o, "message");
    const auto* details = o.if_contains("details");
    if (details && details->is_array()) {
        for (const auto& d : details->as_array()) {
            if (!d.is_object()) continue;
            const auto& detail = d.as_object();
            auto type = text(detail, "@type");
            if (type == "type.googleapis.com/google.firebase.fcm.v1.FcmError")
                e.error_code = text(detail, "errorCode");
            const auto* violations = detail.if_contains("fieldViolations");
            if (type == "type.googleapis.com/google.rpc.BadRequest" && violations &&
                violations->is_array())
                for (const auto& v : violations->as_array())
                    if (v.is_object() && text(v.as_object(), "field") == "message.token")
                        e.about_token = true;
        }
    }
    // FCM's message for a malformed token, when no field violation says so.
    if (e.message.find("registration token") != std::string::npos) e.about_token = true;
    return e;
}

}  // namespace

SendResult classify_fcm_response(int status, const std::string& body,
                                 std::optional<std::chrono::milliseconds> retry_after) {
    if (status >= 200 && status < 300) return {};
    auto e = read_error(body);
    auto code = !e.error_code.empty() ? e.error_code
                : !e.status.empty()   ? e.status
                                      : "HTTP " + std::to_string(status);
    SendResult r;
    r.error = code + (e.message.empty() ? "" : ": " + e.message);
    if (code == "UNREGISTERED" || status == 404) {
        r.outcome = Outcome::kUnregistered;
    } else if (code == "QUOTA_EXCEEDED" || status == 429) {
        r.outcome = Outcome::kQuota;
        r.retry_after =
            std::max<std::chrono::milliseconds>(kQuotaPause, retry_after.value_or(kQuotaPause));
    } else if (code == "UNAVAILABLE" || code == "INTERNAL" || status >= 500) {
        r.outcome = Outcome::kUnavailable;
        r.retry_after = retry_after.value_or(std::chrono::milliseconds(0));
    } else if (code == "INVALID_ARGUMENT" && e.about_token) {
        r.outcome = Outcome::kInvalidToken;
    } else {
        r.outcome = Outcome::kRejected;
    }
    return r;
}

}  // namespace mindme::push
