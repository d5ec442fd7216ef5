#include "upstream/google_credentials.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "core/base64url.hpp"
#include "core/text.hpp"
#include "upstream/rs256.hpp"

namespace mindme::upstream {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr std::int64_t kAssertionLifetime = 3600;  // the longest Google accepts

std::string form_encode(std::string_view value) {
    return boost::urls::encode(value, boost::urls::unreserved_chars);
}

std::string required(const json::object& o, const char* field) {
    const auto* v = o.if_contains(field);
    if (!v || !v->is_string() || v->as_string().empty())
        throw std::invalid_argument(std::string("the service account key has no ") + field);
    return std::string(v->as_string());
}

}  // namespace

ServiceAccount ServiceAccount::parse(std::string_view text) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec || !value.is_object())
        throw std::invalid_argument("the service account key is not a JSON object");
    const auto& o = value.as_object();
    if (const auto* type = o.if_contains("type");
        type && (!type->is_string() || type->as_string() != "service_account"))
        throw std::invalid_argument("the key file is not of type service_account");
    ServiceAccount a{required(o, "client_email"), required(o, "private_key"),
                     required(o, "private_key_id"), required(o, "token_uri"),
                     required(o, "project_id")};
    try {
        rs256_sign(a.private_key, "");
    } catch (const std::invalid_argument&) {
        throw std::invalid_argument("the service account's private_key is not an RSA key in PEM");
    }
    return a;
}

ServiceAccount ServiceAccount::load(const std::string& path) {
    auto text = core::read_text_file(path);
    try {
        return parse(text);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(path + ": " + e.what());
    }
}

std::string grant_assertion(const ServiceAccount& account, const std::string& scope,
                            std::int64_t now) {
    json::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", account.private_key_id}};
    json::object claims{{"iss", account.client_email},
                        {"scope", scope},
                        {"aud", account.token_uri},
                        {"iat", now},
                        {"exp", now + kAssertionLifetime}};
    auto signing_input = core::base64url_encode(json::serialize(header)) + "." +
                         core::base64url_encode(json::serialize(claims));
    return signing_input + "." +
           core::base64url_encode(rs256_sign(account.private_key, signing_input));
}

GoogleAccessTokens::GoogleAccessTokens(HttpClient& client, ServiceAccount account,
                                       std::string scope)
    : client_(client), account_(std::move(account)), scope_(std::move(scope)) {}

asio::awaitable<std::string> GoogleAccessTokens::token(Clock::time_point deadline) {
    std::string none;  // named: GCC 12 and temporaries in co_await
    co_return co_await asio::co_spawn(client_.executor(), current(deadline, none),
                                      asio::use_awaitable);
}

asio::awaitable<std::string> GoogleAccessTokens::current(Clock::time_point deadline,
                                                         std::string stale) {
    if (!token_.empty() && token_ != stale && Clock::now() < refresh_at_) co_return token_;
    co_return co_await refresh_.run([this, deadline] { return grant(deadline); });
}

asio::awaitable<std::string> GoogleAccessTokens::grant(Clock::time_point deadline) {
    ClientRequest request;
    request.method = "POST";
    request.url = account_.token_uri;
    request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    request.body = "grant_type=" + form_encode(kGrantType) + "&assertion=" +
                   form_encode(grant_assertion(account_, scope_, std::time(nullptr)));
    CallOptions options;
    options.upstream = "google_oauth";
    options.deadline = deadline;
    // The token endpoint's transient answers (google-auth's list); a grant is safe to repeat.
    options.retry_statuses = {408, 429, 500, 502, 503, 504};
    options.idempotent = true;
    auto sent_at = Clock::now();
    auto response = co_await client_.send(std::move(request), std::move(options));
    ++grants_;
    boost::system::error_code ec;
    auto body = json::parse(response.body, ec);
    const auto* object = !ec && body.is_object() ? &body.as_object() : nullptr;
    auto text = [object](const char* field) -> std::string {
        const auto* v = object ? object->if_contains(field) : nullptr;
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    if (response.status != 200) {
        auto reason = text("error");
        if (auto description = text("error_description"); !description.empty())
            reason += (reason.empty() ? "" : ": ") + description;
        throw std::runtime_error("the token endpoint answered " + std::to_string(response.status) +
                                 (reason.empty() ? "" : " (" + reason + ")"));
    }
    auto access_token = text("access_token");
    const auto* expires = object ? object->if_contains("expires_in") : nullptr;
    if (access_token.empty() || !expires || !expires->is_number())
        throw std::runtime_error("the token endpoint's answer has no access_token and expires_in");
    auto lifetime = std::chrono::seconds(static_cast<std::int64_t>(expires->to_number<double>()));
    token_ = access_token;
    refresh_at_ = sent_at + lifetime - kRefreshBefore;
    co_return token_;
}

asio::awaitable<ClientResponse> GoogleAccessTokens::send(ClientRequest request,
                                                         CallOptions options) {
    auto deadline = options.deadline.value_or(Clock::now() + client_.options().total_timeout);
    auto bearer = co_await token(deadline);
    request.headers.push_back({"Authorization", "Bearer " + bearer});
    auto response = co_await client_.send(request, options);
    if (response.status != 401) co_return response;
    // The token was revoked or expired early: a fresh one, once.
    auto fresh =
        co_await asio::co_spawn(client_.executor(), current(deadline, bearer), asio::use_awaitable);
    request.headers.back().value = "Bearer " + fresh;
    co_return co_await client_.send(std::move(request), std::move(options));
}

}  // namespace mindme::upstream
