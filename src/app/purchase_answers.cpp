#include "app/purchase_answers.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/digest.hpp"
#include "core/ids.hpp"

namespace mindme::app {

namespace {
constexpr std::size_t kGrantIdBytes = 16;  // 128 random bits
}  // namespace

std::string field_text(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v) return {};
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_int64()) return std::to_string(v->as_int64());
    if (v->is_uint64()) return std::to_string(v->as_uint64());
    return {};
}

store::Entitlement new_grant(const purchases::Product& product, const std::string& user_id,
                             const std::string& platform, const std::string& source,
                             std::optional<std::int64_t> expires_at_ms) {
    store::Entitlement e;
    e.id = core::random_id(kGrantIdBytes);
    e.user_id = user_id;
    e.entitlement = product.entitlement;
    e.product_id = product.id;
    e.kind = product.kind;
    e.platform = platform;
    e.source = source;
    e.granted_at_ms = core::now_ms();
    e.updated_at_ms = e.granted_at_ms;
    e.expires_at_ms = expires_at_ms;
    return e;
}

store::OutboxJob acknowledge_job(const purchases::Product& product, const std::string& token) {
    boost::json::object payload{
        {"kind", product.kind}, {"product_id", product.id}, {"token", token}};
    return {kGoogleAcknowledgeTopic, boost::json::serialize(payload), 0};
}

std::string google_source(const std::string& purchase_token) {
    return "android:" + core::sha256_hex(purchase_token);
}

core::ApiError purchase_refused(const std::string& reason, const std::string& message) {
    return core::ApiError(core::ErrorCode::kUnprocessable,
                          "the purchase was refused (" + reason + "): " + message);
}

http::Response entitlement_response(int status, const store::Entitlement& e) {
    auto r = http::Response::json(
        status, "{\"entitlement\":" + store::entitlement_json(e, core::now_ms()) + "}");
    r.set_header("Cache-Control", "no-store");
    return r;
}

}  // namespace mindme::app
