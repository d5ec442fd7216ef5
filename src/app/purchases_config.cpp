#include "app/purchases_routes.hpp"
#include "core/config.hpp"

namespace mindme::app {

void declare_purchases_config(core::ConfigSchema& schema) {
    schema.add_list(
        "purchases.products", {},
        "The products the apps sell: records {id, entitlement, kind} in the YAML file (or "
        "id:entitlement:kind items), kind consumable, non-consumable or subscription. Empty: "
        "purchases are off (503).",
        [](const core::ConfigValue& v) -> std::optional<std::string> {
            try {
                purchases::parse_products(std::get<core::StringList>(v));
            } catch (const std::invalid_argument& e) {
                return e.what();
            }
            return std::nullopt;
        });
    schema.add_list("purchases.apple.root_certs", {},
                    "Apple's root certificates (PEM or DER files, e.g. AppleRootCA-G3.cer from "
                    "apple.com/certificateauthority) that App Store data must chain to.");
    schema.add_string("purchases.apple.bundle_id", "",
                      "The iOS app's bundle id. Empty: App Store purchases are off (503).");
    schema.add_string(
        "purchases.apple.environment", "Production",
        "The App Store environment whose data is accepted: Production, Sandbox, Xcode or "
        "LocalTesting.",
        [](const core::ConfigValue& v) -> std::optional<std::string> {
            const auto& s = std::get<std::string>(v);
            if (s == "Production" || s == "Sandbox" || s == "Xcode" || s == "LocalTesting")
                return std::nullopt;
            return "must be Production, Sandbox, Xcode or LocalTesting";
        });
    schema.add_int("purchases.qr.ttl_seconds", 600, 1, 86'400,
                   "How long a QR hand-off code may be redeemed.");
    schema.add_string("purchases.qr.link_base", "mindme://purchase/",
                      "The start of a hand-off code's URL (the code follows): a link the phone "
                      "app opens (a custom scheme or a universal link).");
    schema.add_string("purchases.google.package_name", "",
                      "The Android app's package name. Empty: Google Play purchases are off "
                      "(503).");
    schema.add_string("purchases.google.credentials_file", "",
                      "A Google service account key (JSON) with access to the app in the Play "
                      "Console (View financial data, Manage orders); required with a package "
                      "name.");
    schema.add_string("purchases.google.url", "https://androidpublisher.googleapis.com",
                      "The Android Publisher API's base URL (a stand-in's, in tests).");
    schema.add_string("purchases.google.notification_token", "",
                      "The secret a Pub/Sub push subscription puts in the URL of "
                      "POST /v1/purchases/google/notifications?token=...; empty: the route "
                      "answers 503.");
    schema.add_int("purchases.apple.app_apple_id", 0, 0, 1'000'000'000'000,
                   "The app's Apple ID (App Store Connect); required in Production. 0: unset.");
}

}  // namespace mindme::app
