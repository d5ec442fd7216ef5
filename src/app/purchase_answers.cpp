#include "app/purchase_answers.hpp"

#include "core/clock.hpp"

namespace mindme::app {

std::string field_text(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v) return {};
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_int64()) return std::to_string(v->as_int64());
    if (v->is_uint64()) return std::to_string(v->as_uint64());
    return {};
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
