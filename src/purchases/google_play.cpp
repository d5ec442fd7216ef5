#include "purchases/google_play.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "core/clock.hpp"

namespace mindme::purchases {

namespace json = boost::json;

namespace {

std::string encoded(const std::string& segment) {
    return boost::urls::encode(segment, boost::urls::unreserved_chars);
}

std::string error_message(const upstream::ClientResponse& r) {
    boost::system::error_code ec;
    auto body = json::parse(r.body, ec);
    if (!ec && body.is_object())
        if (const auto* e = body.as_object().if_contains("error"); e && e->is_object())
            if (const auto* m = e->as_object().if_contains("message"); m && m->is_string())
                return std::string(m->as_string());
    return "HTTP " + std::to_string(r.status);
}

}  // namespace

GooglePlay::GooglePlay(upstream::GoogleAccessTokens& tokens, GooglePlayOptions options)
    : tokens_(tokens), options_(std::move(options)) {
    while (!options_.base_url.empty() && options_.base_url.back() == '/')
        options_.base_url.pop_back();
}

boost::asio::awaitable<upstream::ClientResponse> GooglePlay::call(
    std::string method, std::string path, upstream::Clock::time_point deadline) {
    upstream::ClientRequest request{std::move(method),
                                    options_.base_url + "/androidpublisher/v3/applications/" +
                                        encoded(options_.package_name) + path,
                                    {{"Accept", "application/json"}},
                                    ""};
    if (request.method == "POST") request.headers.push_back({"Content-Type", "application/json"});
    upstream::CallOptions options;
    options.upstream = "google_play";
    options.deadline = deadline;
    // A GET reads; an acknowledgement done twice is refused, not doubled: both may retry.
    options.idempotent = true;
    auto response = co_await tokens_.send(std::move(request), options);
    if (response.status < 200 || response.status >= 300)
        throw GooglePlayError(response.status, error_message(response));
    co_return response;
}

boost::asio::awaitable<json::object> GooglePlay::product(std::string product_id, std::string token,
                                                         upstream::Clock::time_point deadline) {
    auto r = co_await call(
        "GET", "/purchases/products/" + encoded(product_id) + "/tokens/" + encoded(token),
        deadline);
    boost::system::error_code ec;
    auto body = json::parse(r.body, ec);
    if (ec || !body.is_object()) throw GooglePlayError(502, "Google Play sent no purchase");
    co_return std::move(body.as_object());
}

boost::asio::awaitable<json::object> GooglePlay::subscription(
    std::string token, upstream::Clock::time_point deadline) {
    auto r = co_await call("GET", "/purchases/subscriptionsv2/tokens/" + encoded(token), deadline);
    boost::system::error_code ec;
    auto body = json::parse(r.body, ec);
    if (ec || !body.is_object()) throw GooglePlayError(502, "Google Play sent no subscription");
    co_return std::move(body.as_object());
}

boost::asio::awaitable<void> GooglePlay::acknowledge_product(std::string product_id,
                                                             std::string token,
                                                             upstream::Clock::time_point deadline) {
    co_await call(
        "POST",
        "/purchases/products/" + encoded(product_id) + "/tokens/" + encoded(token) + ":acknowledge",
        deadline);
}

boost::asio::awaitable<void> GooglePlay::consume(std::string product_id, std::string token,
                                                 upstream::Clock::time_point deadline) {
    co_await call(
        "POST",
        "/purchases/products/" + encoded(product_id) + "/tokens/" + encoded(token) + ":consume",
        deadline);
}

boost::asio::awaitable<void> GooglePlay::acknowledge_subscription(
    std::string subscription_id, std::string token, upstream::Clock::time_point deadline) {
    co_await call("POST",
                  "/purchases/subscriptions/" + encoded(subscription_id) + "/tokens/" +
                      encoded(token) + ":acknowledge",
                  deadline);
}

std::optional<std::int64_t> subscription_expiry(const json::object& subscription) {
    std::optional<std::int64_t> latest;
    const auto* items = subscription.if_contains("lineItems");
    if (!items || !items->is_array()) return latest;
    for (const auto& item : items->as_array()) {
        if (!item.is_object()) continue;
        const auto* at = item.as_object().if_contains("expiryTime");
        if (!at || !at->is_string()) continue;
        if (auto ms = core::parse_rfc3339_ms(at->as_string()); ms && (!latest || *ms > *latest))
            latest = ms;
    }
    return latest;
}

}  // namespace mindme::purchases
