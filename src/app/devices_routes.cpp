#include "app/devices_routes.hpp"

#include <boost/json.hpp>

#include "app/json_body.hpp"
#include "app/limits.hpp"
#include "app/openapi_doc.hpp"
#include "app/route_table.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kDeviceIdBytes = 12;

boost::json::object device_json(const store::Device& d) {
    return {{"id", d.id},
            {"platform", d.platform},
            {"created_at", core::format_rfc3339_ms(d.created_at_ms)}};
}

Response no_store(int status, const boost::json::value& body) {
    auto r = Response::json(status, boost::json::serialize(body));
    r.set_header("Cache-Control", "no-store");
    return r;
}

}  // namespace

Devices::Devices(store::DeviceStore& store, auth::Authenticator& auth, std::size_t max_per_user)
    : store_(store), auth_(auth), max_per_user_(max_per_user) {}

boost::asio::awaitable<Response> Devices::add(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto body = parse_json_object(req);
    auto platform = require_string(body, "platform");
    if (platform != "android" && platform != "ios" && platform != "web")
        throw ApiError(ErrorCode::kUnprocessable, "platform must be android, ios or web");
    auto token = require_string(body, "token");
    if (token.empty() || token.size() > kMaxDeviceTokenBytes)
        throw ApiError(ErrorCode::kUnprocessable,
                       "token must be 1 to " + std::to_string(kMaxDeviceTokenBytes) + " bytes");
    // A token is printable ASCII (base64-like): anything else is no push token.
    for (unsigned char c : token)
        if (c < 0x21 || c > 0x7e)
            throw ApiError(ErrorCode::kUnprocessable,
                           "token must be printable ASCII without spaces");
    store::Device device{core::random_id(kDeviceIdBytes), user.id, platform, token, core::now_ms()};
    auto registration = co_await store_.register_device(device, max_per_user_, req.deadline);
    co_return no_store(registration.created ? 201 : 200, device_json(registration.device));
}

boost::asio::awaitable<Response> Devices::list(Request& req) {
    auto user = co_await auth_.authenticate(req);
    boost::json::array items;
    for (const auto& d : co_await store_.list(user.id, req.deadline))
        items.push_back(device_json(d));
    co_return no_store(200, boost::json::object{{"items", std::move(items)}});
}

boost::asio::awaitable<Response> Devices::remove(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto id = std::string(req.param("id"));
    if (!co_await store_.remove(user.id, id, req.deadline))
        throw ApiError(ErrorCode::kNotFound, "no such device");
    co_return Response::empty(204);
}

void Devices::add_routes(http::Router& router) {
    namespace json = boost::json;
    using namespace doc;
    json::value device{
        {"type", "object"},
        {"required", json::array{"id", "platform", "created_at"}},
        {"properties",
         {{"id", {{"type", "string"}}},
          {"platform", {{"type", "string"}, {"enum", json::array{"android", "ios", "web"}}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}};
    auto registration = json_request(
        {{"type", "object"},
         {"required", json::array{"platform", "token"}},
         {"properties",
          {{"platform", {{"type", "string"}, {"enum", json::array{"android", "ios", "web"}}}},
           {"token",
            {{"type", "string"},
             {"minLength", 1},
             {"maxLength", kMaxDeviceTokenBytes},
             {"description", "The FCM registration token of this app install."}}}}}});
    add_route_table(
        router,
        {"devices",
         true,
         {{"POST",
           "/v1/devices",
           [this](Request& r) { return add(r); },
           {"Register this device for push messages",
            {{"description",
              "A token registered by another user moves to this one. A user holds at most "
              "push.max_devices_per_user devices; one more forgets the oldest."},
             {"requestBody", registration}},
            {{"201", with_body("Registered", device)},
             {"200", with_body("The user had this token already: the same device", device)},
             {"415", described("The body is not application/json")},
             {"422", described("platform or token invalid; the message names the field")}}}},
          {"GET",
           "/v1/devices",
           [this](Request& r) { return list(r); },
           {"The user's devices, newest first",
            {},
            {{"200",
              with_body("The devices",
                        {{"type", "object"},
                         {"properties", {{"items", {{"type", "array"}, {"items", device}}}}}})}}}},
          {"DELETE",
           "/v1/devices/{id}",
           [this](Request& r) { return remove(r); },
           {"Stop pushing to a device",
            {{"parameters", json::array{path_param("id", "The device's id.")}}},
            {{"204", described("Removed")}, {"404", described("No such device of this user")}}}}}});
}

}  // namespace mindme::app
