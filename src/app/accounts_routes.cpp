#include "app/accounts_routes.hpp"

#include <boost/json.hpp>
#include <charconv>

#include "app/json_body.hpp"
#include "app/openapi_doc.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/ids.hpp"
#include "core/text.hpp"
#include "guard/credentials.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kMaxEmailBytes = 254;
constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 256;
constexpr std::size_t kUserIdBytes = 16;  // 128 random bits, 22 characters

boost::json::object user_json(const store::User& u) {
    return {
        {"id", u.id}, {"email", u.email}, {"created_at", core::format_rfc3339_ms(u.created_at_ms)}};
}

Response user_and_token(int status, const store::User& u, const std::string& token) {
    boost::json::object body{{"user", user_json(u)}, {"token", token}};
    auto r = Response::json(status, boost::json::serialize(body));
    r.set_header("Cache-Control", "no-store");
    return r;
}

std::string check_password(const boost::json::object& body) {
    auto password = require_string(body, "password");
    auto n = code_points(password);
    if (n < kMinPassword || n > kMaxPassword)
        throw ApiError(ErrorCode::kUnprocessable, "password must be 8 to 256 characters");
    return password;
}

ApiError unauthorized(const std::string& message) {
    return ApiError(ErrorCode::kUnauthorized, message);
}

// Cache versions of a session: live, then revoked (which no live copy replaces).
constexpr std::int64_t kSessionLive = 1;
constexpr std::int64_t kSessionRevoked = 2;

std::string session_key(const std::string& digest) { return "session:" + digest; }

// id, email, created_at, expires_at, one per line (none of them holds a newline).
std::string encode_session(const store::LiveSession& s) {
    return s.user.id + '\n' + s.user.email + '\n' + std::to_string(s.user.created_at_ms) + '\n' +
           std::to_string(s.expires_at_ms);
}

std::optional<store::LiveSession> decode_session(std::string_view text) {
    auto fields = core::split_list(text, '\n');
    if (fields.size() != 4) return std::nullopt;
    store::LiveSession s;
    s.user.id = fields[0];
    s.user.email = fields[1];
    auto number = [](std::string_view f, std::int64_t& out) {
        return std::from_chars(f.data(), f.data() + f.size(), out).ec == std::errc();
    };
    if (!number(fields[2], s.user.created_at_ms) || !number(fields[3], s.expires_at_ms))
        return std::nullopt;
    return s;
}

}  // namespace

void declare_auth_config(core::ConfigSchema& schema) {
    schema.add_int("auth.token_ttl_seconds", 30 * 24 * 3600, 60, 10LL * 365 * 24 * 3600,
                   "How long a session token stays valid after sign-in (30 days).");
    schema.add_int("auth.hash_threads", 0, 0, 256,
                   "Threads that hash passwords (argon2id, ~64 MiB each while running). 0: one "
                   "per core.");
}

Email normalize_email(std::string_view raw) {
    auto address = std::string(core::trim(raw, " \t\r\n"));
    auto at = address.find('@');
    bool plausible = !address.empty() && address.size() <= kMaxEmailBytes &&
                     at != std::string::npos && at > 0 && at + 1 < address.size() &&
                     address.find('@', at + 1) == std::string::npos &&
                     address.find('.', at + 2) != std::string::npos && address.back() != '.';
    for (char c : address) plausible &= static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
    if (!plausible) throw ApiError(ErrorCode::kUnprocessable, "email must be an email address");
    auto key = core::ascii_lower(address);
    return {address, key};
}

Accounts::Accounts(store::AccountStore& store, core::BlockingPool& hashing,
                   std::chrono::seconds token_ttl, cache::Cache& cache,
                   std::chrono::seconds cache_ttl)
    : store_(store),
      hashing_(hashing),
      token_ttl_(token_ttl),
      cache_(cache),
      cache_ttl_(cache_ttl),
      dummy_hash_(guard::hash_password(guard::new_session_token())) {}

store::SessionRecord Accounts::new_session(const std::string& user_id, std::string& token) const {
    token = guard::new_session_token();
    auto now = core::now_ms();
    return {guard::token_digest(token), user_id, now,
            now + std::chrono::duration_cast<std::chrono::milliseconds>(token_ttl_).count()};
}

boost::asio::awaitable<Response> Accounts::sign_up(Request& req) {
    auto body = parse_json_object(req);
    auto email = normalize_email(require_string(body, "email"));
    auto password = check_password(body);
    auto hash =
        co_await hashing_.run([&password] { return guard::hash_password(password); }, req.deadline);
    store::User user{core::random_id(kUserIdBytes), email.address, hash, core::now_ms()};
    std::string token;
    auto session = new_session(user.id, token);
    auto created = co_await store_.create_user(user, email.key, session, req.deadline);
    if (!created) throw ApiError(ErrorCode::kConflict, "an account with this email exists");
    co_return user_and_token(201, *created, token);
}

boost::asio::awaitable<Response> Accounts::sign_in(Request& req) {
    auto body = parse_json_object(req);
    auto raw_email = require_string(body, "email");
    auto password = require_string(body, "password");
    std::optional<store::User> user;
    try {
        user = co_await store_.find_user_by_email(normalize_email(raw_email).key, req.deadline);
    } catch (const ApiError& e) {
        if (e.code() != ErrorCode::kUnprocessable) throw;
    }
    // Verify against a dummy hash when there is no such user, so the answer takes as
    // long either way and does not reveal which emails have accounts.
    auto hash = user ? user->password_hash : dummy_hash_;
    bool ok = co_await hashing_.run(
        [&hash, &password] { return guard::verify_password(hash, password); }, req.deadline);
    if (!user || !ok) throw unauthorized("wrong email or password");
    std::string token;
    co_await store_.create_session(new_session(user->id, token), req.deadline);
    co_return user_and_token(200, *user, token);
}

boost::asio::awaitable<store::User> Accounts::authenticate(const Request& req) {
    auto digest = bearer_digest(req);
    co_return co_await session_user(digest, req.deadline);
}

void Accounts::on_revoke(std::function<void(const std::string& digest)> listener) {
    revoke_listener_ = std::move(listener);
}

std::string Accounts::bearer_digest(const Request& req) {
    auto header = req.header("Authorization");
    if (!header || header->size() < 7 || !http::iequals(header->substr(0, 7), "Bearer "))
        throw unauthorized("a bearer token is required");
    if (core::trim(header->substr(7)).empty()) throw unauthorized("a bearer token is required");
    return token_digest(header->substr(7));
}

std::string Accounts::token_digest(std::string_view token) {
    auto trimmed = core::trim(token);
    if (trimmed.empty()) throw unauthorized("a token is required");
    return guard::token_digest(trimmed);
}

boost::asio::awaitable<std::optional<store::LiveSession>> Accounts::cached_session(
    const std::string& digest, store::Deadline deadline) {
    auto key = session_key(digest);
    if (auto entry = co_await cache_.get(key)) {
        if (entry->version == kSessionRevoked) co_return std::nullopt;
        if (auto live = decode_session(entry->value)) co_return live;
    }
    auto now = core::now_ms();
    auto live = co_await store_.find_session(digest, now, deadline);
    if (live) {
        auto left = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::milliseconds(live->expires_at_ms - now));
        // Arguments of awaited calls are named: GCC 12 destroys a braced temporary
        // in a co_await expression twice.
        cache::Entry entry{encode_session(*live), kSessionLive};
        if (auto ttl = std::min(cache_ttl_, left); ttl.count() > 0)
            co_await cache_.put(key, std::move(entry), ttl);
    }
    co_return live;
}

boost::asio::awaitable<store::User> Accounts::session_user(const std::string& digest,
                                                           store::Deadline deadline) {
    auto live = co_await cached_session(digest, deadline);
    // A cached copy may outlive the session by less than a second; checked here.
    if (!live || live->expires_at_ms <= core::now_ms())
        throw unauthorized("the token is invalid, expired or revoked");
    co_return live->user;
}

boost::asio::awaitable<Response> Accounts::sign_out(Request& req) {
    auto digest = bearer_digest(req);
    co_await session_user(digest, req.deadline);
    co_await store_.revoke_session(digest, core::now_ms(), req.deadline);
    cache::Entry tombstone{std::string(), kSessionRevoked};
    co_await cache_.put(session_key(digest), std::move(tombstone), cache_ttl_);
    if (revoke_listener_) revoke_listener_(digest);
    co_return Response::empty(204);
}

boost::asio::awaitable<Response> Accounts::me(Request& req) {
    auto user = co_await authenticate(req);
    boost::json::object body{{"user", user_json(user)}};
    auto r = Response::json(200, boost::json::serialize(body));
    r.set_header("Cache-Control", "no-store");
    co_return r;
}

void Accounts::add_routes(http::Router& router) {
    namespace json = boost::json;
    using namespace doc;
    json::value user{{"type", "object"},
                     {"properties",
                      {{"id", {{"type", "string"}}},
                       {"email", {{"type", "string"}}},
                       {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}};
    json::value user_and_token{{"type", "object"},
                               {"properties", {{"user", user}, {"token", {{"type", "string"}}}}}};
    auto credentials = json_request(
        {{"type", "object"},
         {"required", json::array{"email", "password"}},
         {"properties",
          {{"email", {{"type", "string"}, {"maxLength", 254}}},
           {"password", {{"type", "string"}, {"minLength", 8}, {"maxLength", 256}}}}}});

    json::object sign_up_doc{
        {"summary", "Create an account and sign in"},
        {"tags", json::array{"accounts"}},
        {"requestBody", credentials},
        {"responses",
         {{"201", with_body("Created; the token signs the user in", user_and_token)},
          {"409", described("An account with this email exists")},
          {"413", described("Body too large")},
          {"415", described("The body is not application/json")},
          {"422", described("Email or password invalid; the message names the field")}}}};
    json::object sign_in_doc{{"summary", "Sign in"},
                             {"tags", json::array{"accounts"}},
                             {"requestBody", credentials},
                             {"responses",
                              {{"200", with_body("Signed in", user_and_token)},
                               {"401", described("Wrong email or password")},
                               {"415", described("The body is not application/json")}}}};
    json::object sign_out_doc{
        {"summary", "Sign out: this token is refused from then on"},
        {"tags", json::array{"accounts"}},
        {"security", bearer()},
        {"responses",
         {{"204", described("Signed out")}, {"401", described("No valid bearer token")}}}};
    json::object me_doc{
        {"summary", "The signed-in user"},
        {"tags", json::array{"accounts"}},
        {"security", bearer()},
        {"responses",
         {{"200", with_body("The user", {{"type", "object"}, {"properties", {{"user", user}}}})},
          {"401", described("No valid bearer token")}}}};

    router.add(
        "POST", "/v1/accounts", [this](Request& r) { return sign_up(r); },
        json::serialize(sign_up_doc));
    router.add(
        "POST", "/v1/sessions", [this](Request& r) { return sign_in(r); },
        json::serialize(sign_in_doc));
    router.add(
        "DELETE", "/v1/sessions/current", [this](Request& r) { return sign_out(r); },
        json::serialize(sign_out_doc));
    router.add(
        "GET", "/v1/me", [this](Request& r) { return me(r); }, json::serialize(me_doc));
}

}  // namespace mindme::app
