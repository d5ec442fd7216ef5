#include "app/features_routes.hpp"

#include <boost/json/serialize.hpp>

#include "app/assistant_routes.hpp"
#include "app/openapi_doc.hpp"
#include "core/config.hpp"
#include "purchases/products.hpp"

namespace mindme::app {
namespace json = boost::json;

namespace {

json::value firebase_web_config(const core::Config& c) {
    const auto& project = c.get_string("auth.firebase.project_id");
    const auto& key = c.get_string("auth.firebase.web_api_key");
    if (project.empty() || key.empty()) return nullptr;
    return json::object{{"project_id", project},
                        {"api_key", key},
                        {"auth_domain", c.get_string("auth.firebase.web_auth_domain")},
                        {"identity_url", c.get_string("auth.firebase.web_identity_url")}};
}

json::object purchases_features(const core::Config& c) {
    auto products = purchases::parse_products(c.get_list("purchases.products"));
    json::array items;
    for (const auto& p : products)
        items.push_back(
            json::object{{"id", p.id}, {"entitlement", p.entitlement}, {"kind", p.kind}});
    bool on = !products.empty();
    return {{"enabled", on},
            {"app_store", on && !c.get_string("purchases.apple.bundle_id").empty()},
            {"google_play", on && !c.get_string("purchases.google.package_name").empty()},
            {"qr_handoff", on},
            {"products", std::move(items)}};
}

std::string features_json(const core::Config& c) {
    bool assistant = Assistant::enabled(c);
    json::object features{
        {"sign_in", json::object{{"password", true},
                                 {"firebase", !c.get_string("auth.firebase.project_id").empty()},
                                 {"firebase_web", firebase_web_config(c)}}},
        {"assistant", json::object{{"text", assistant}, {"voice", assistant}}},
        {"purchases", purchases_features(c)},
        {"push", json::object{{"fcm", !c.get_string("push.fcm.credentials_file").empty()}}},
        {"files", true},
        {"search", true},
        {"events", true},
        {"sync", true}};
    return json::serialize(features);
}

json::value features_schema() {
    auto flag = json::object{{"type", "boolean"}};
    auto flags = [&](std::initializer_list<const char*> names) {
        json::object props;
        for (const auto* n : names) props[n] = flag;
        return json::object{{"type", "object"}, {"properties", std::move(props)}};
    };
    auto sign_in = flags({"password", "firebase"});
    sign_in["properties"].as_object()["firebase_web"] = json::object{
        {"type", "object"},
        {"nullable", true},
        {"description",
         "The Firebase web config (public): present when auth.firebase.web_api_key is set."},
        {"properties", json::object{{"project_id", {{"type", "string"}}},
                                    {"api_key", {{"type", "string"}}},
                                    {"auth_domain", {{"type", "string"}}},
                                    {"identity_url", {{"type", "string"}}}}}};
    auto purchases = flags({"enabled", "app_store", "google_play", "qr_handoff"});
    purchases["properties"].as_object()["products"] = json::object{
        {"type", "array"},
        {"items", json::object{{"type", "object"},
                               {"properties", json::object{{"id", {{"type", "string"}}},
                                                           {"entitlement", {{"type", "string"}}},
                                                           {"kind", {{"type", "string"}}}}}}}};
    return json::object{{"type", "object"},
                        {"properties", json::object{{"sign_in", sign_in},
                                                    {"assistant", flags({"text", "voice"})},
                                                    {"purchases", purchases},
                                                    {"push", flags({"fcm"})},
                                                    {"files", flag},
                                                    {"search", flag},
                                                    {"events", flag},
                                                    {"sync", flag}}}};
}

}  // namespace

void add_features_route(http::Router& router, const core::Config& config) {
    auto body = features_json(config);
    json::object op{
        {"summary", "Which optional features are on"},
        {"description",
         "No authentication. The apps hide what the server has off. Public facts only: no "
         "secret is ever in it."},
        {"tags", json::array{"operations"}},
        {"responses", json::object{{"200", doc::with_body("The features", features_schema())}}}};
    router.add(
        "GET", "/v1/features",
        [body](http::Request&) -> boost::asio::awaitable<http::Response> {
            auto r = http::Response::json(200, body);
            r.set_header("Cache-Control", "no-cache");
            co_return r;
        },
        json::serialize(op));
}

}  // namespace mindme::app
