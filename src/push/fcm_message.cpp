#include <boost/json.hpp>

#include "push/fcm.hpp"

namespace mindme::push {

namespace json = boost::json;

std::string fcm_request_body(const PushMessage& m) {
    json::object data;
    for (const auto& [k, v] : m.data) data[k] = v;
    json::object message{{"token", m.token},
                         {"notification", {{"title", m.title}, {"body", m.body}}},
                         {"data", std::move(data)}};
    // Each platform's delivery: shown at once (high priority), and a day to reach a
    // device that is offline before FCM drops it.
    if (m.platform == "android") {
        message["android"] = {{"priority", "high"}, {"ttl", "86400s"}};
    } else if (m.platform == "ios") {
        message["apns"] = {{"headers", {{"apns-priority", "10"}}},
                           {"payload", {{"aps", {{"sound", "default"}}}}}};
    } else if (m.platform == "web") {
        message["webpush"] = {{"headers", {{"Urgency", "high"}, {"TTL", "86400"}}}};
    }
    return json::serialize(json::object{{"message", std::move(message)}});
}

}  // namespace mindme::push
