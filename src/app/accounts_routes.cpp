#include "app/accounts_routes.hpp"

#include <boost/json.hpp>

#include "app/json_body.hpp"
#include "app/limits.hpp"
#include "app/openapi_doc.hpp"
#include "app/route_table.hpp"
#include "auth/credentials.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/ids.hpp"
#include "core/text.hpp"
#include "core/unicode.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kUserIdBytes = 16;  // 128 random bits, 22 characters
// A session's public id: the start of its token's digest (64 bits), enough to tell a
// user's sessions apart and useless as a credential.
constexpr std::size_t kSessionIdChars = 16;

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
    // Many clients and libraries end a string at NUL: a password holding one could not be
    // typed again the same way everywhere.
    if (password.find('\0') != std::string::npos)
        throw ApiError(ErrorCode::kUnprocessable, "password must not contain NUL");
    return password;
}

}  // namespace

void declare_auth_config(core::ConfigSchema& schema) {
    schema.add_int("auth.token_ttl_seconds", 30 * 24 * 3600, 60, 10LL * 365 * 24 * 3600,
                   "How long a session token stays valid after sign-in (30 days).");
    schema.add_int("auth.hash_threads", 0, 0, 256,
                   "Threads that hash passwords (argon2id, ~64 MiB each while running). 0: one "
                   "per core.");
    schema.add_bool("auth.cache_sessions", true,
                    "Keep live sessions in the cache (cache.url) for cache.ttl_seconds. A "
                    "per-process cache cannot hear of a sign-out in another process: `serve "
                    "--processes N` on memory:// turns this off in its processes (each request "
                    "then reads its session from the store), and so must any other deployment "
                    "of several processes on memory://.");
    schema.add_int("auth.hash_queue", 16, 1, 100'000,
                   "Sign-ups and sign-ins that may wait for a hashing thread; past it 503 with "
                   "Retry-After at once (a real user's sign-in never waits behind hundreds).");
    schema.add_int("auth.hashes_per_address", 4, 1, 10'000,
                   "Password hashes one client address may have queued or running at once; past "
                   "it 429 with Retry-After.");
    schema.add_int("auth.sign_in.free_failures", 5, 1, 1000,
                   "Failed sign-ins to an account (and to it from one address) before each "
                   "further one must wait a delay that doubles from 1 s; an address gets four "
                   "times as many over all accounts. Attempts inside the delay get 429 with "
                   "Retry-After. An address that signed in to the account before is not held "
                   "up by others' failures.");
    schema.add_int("auth.sign_in.max_delay_seconds", 60, 1, 86'400,
                   "Longest delay between failed sign-ins (see auth.sign_in.free_failures).");
}

PasswordLimits password_limits(const core::Config& c) {
    PasswordLimits limits;
    limits.throttle.free_failures = static_cast<int>(c.get_int("auth.sign_in.free_failures"));
    limits.throttle.free_address_failures = 4 * limits.throttle.free_failures;
    limits.throttle.max_delay = std::chrono::seconds(c.get_int("auth.sign_in.max_delay_seconds"));
    limits.hashes_per_address = static_cast<std::size_t>(c.get_int("auth.hashes_per_address"));
    limits.hash_queue = static_cast<std::size_t>(c.get_int("auth.hash_queue"));
    return limits;
}

Accounts::Accounts(store::AccountStore& store, core::BlockingPool& hashing,
                   auth::SessionTokens& sessions, auth::Authenticator& bearer,
                   const PasswordLimits& limits, store::Quotas quotas,
                   store::PurchaseStore& purchases, auth::FirebaseUsers* firebase)
    : store_(store),
      purchases_(purchases),
      quotas_(quotas),
      hashing_(hashing),
      sessions_(sessions),
      bearer_(bearer),
      firebase_(firebase),
      throttle_(limits.throttle),
      hashing_per_address_(limits.hashes_per_address) {}

const std::string& Accounts::dummy_hash() {
    std::call_once(dummy_once_,
                   [this] { dummy_hash_ = auth::hash_password(auth::new_session_token()); });
    return dummy_hash_;
}

core::KeyedSlots::Hold Accounts::take_hashing_slot(const std::string& address) {
    auto slot = hashing_per_address_.try_take(address);
    if (!slot)
        throw ApiError(ErrorCode::kRateLimited,
                       "too many password checks in progress from this address; retry shortly", 1);
    return slot;
}

boost::asio::awaitable<Response> Accounts::sign_up(Request& req) {
    auto body = parse_json_object(req);
    auto email = normalize_email(require_string(body, "email"));
    auto password = check_password(body);
    auto hashing_slot = take_hashing_slot(req.client_address);
    auto hash =
        co_await hashing_.run([&password] { return auth::hash_password(password); }, req.deadline);
    store::User user{core::random_id(kUserIdBytes), email.address, hash, core::now_ms()};
    std::string token;
    auto session = sessions_.new_session(user.id, token);
    auto created = co_await store_.create_user(user, email.key, session, req.deadline);
    if (!created) throw ApiError(ErrorCode::kConflict, "an account with this email exists");
    throttle_.succeeded(email.key, req.client_address);  // the owner's address
    co_return user_and_token(201, *created, token);
}

boost::asio::awaitable<Response> Accounts::firebase_sign_in(const boost::json::object& body,
                                                            store::Deadline deadline) {
    if (!firebase_)
        throw ApiError(ErrorCode::kUnprocessable,
                       "firebase_id_token: Firebase sign-in is not enabled on this server");
    auto id_token = require_string(body, "firebase_id_token");
    auto user = co_await firebase_->user_for(id_token, deadline);
    std::string token;
    co_await store_.create_session(sessions_.new_session(user.id, token), deadline);
    co_return user_and_token(200, user, token);
}

boost::asio::awaitable<Response> Accounts::sign_in(Request& req) {
    auto body = parse_json_object(req);
    if (body.contains("firebase_id_token")) co_return co_await firebase_sign_in(body, req.deadline);
    auto raw_email = require_string(body, "email");
    auto password = require_string(body, "password");
    // Throttled by the email's key (the one uniqueness compares, so that no spelling of
    // an address escapes its count) whether or not an account has it: the answer must not
    // tell which emails have accounts. An address that is no email keeps its own key.
    std::optional<Email> email;
    try {
        email = normalize_email(raw_email);
    } catch (const ApiError& e) {
        if (e.code() != ErrorCode::kUnprocessable) throw;
    }
    auto account = email ? email->key : core::ascii_lower(core::trim(raw_email, " \t\r\n"));
    const auto& address = req.client_address;
    if (auto wait = throttle_.wait(account, address, auth::SignInThrottle::Clock::now()))
        throw ApiError(
            ErrorCode::kRateLimited,
            "too many failed sign-ins; retry after " + std::to_string(wait->count()) + " s",
            static_cast<int>(wait->count()));
    auto hashing_slot = take_hashing_slot(address);
    std::optional<store::User> user;
    if (email) {
        user = co_await store_.find_user_by_email(email->key, req.deadline);
        // Accounts made before keys were case-folded have their ASCII letters lowered only.
        if (auto legacy = core::ascii_lower(email->address); !user && legacy != email->key)
            user = co_await store_.find_user_by_email(legacy, req.deadline);
    }
    // Verify against a dummy hash when there is no such user, so the answer takes as
    // long either way and does not reveal which emails have accounts.
    bool ok = co_await hashing_.run(
        [this, &user, &password] {
            return auth::verify_password(user ? user->password_hash : dummy_hash(), password);
        },
        req.deadline);
    if (!user || !ok) {
        throttle_.failed(account, address, auth::SignInThrottle::Clock::now());
        throw auth::unauthorized("wrong email or password");
    }
    throttle_.succeeded(account, address);
    std::string token;
    co_await store_.create_session(sessions_.new_session(user->id, token), req.deadline);
    co_return user_and_token(200, *user, token);
}

boost::asio::awaitable<Response> Accounts::sign_out(Request& req) {
    co_await sessions_.revoke(auth::bearer_token(req), req.deadline);
    co_return Response::empty(204);
}

boost::asio::awaitable<Response> Accounts::list_sessions(Request& req) {
    auto user = co_await bearer_.authenticate(req);
    auto current = sessions_.revocation_key(auth::bearer_token(req));
    boost::json::array items;
    for (const auto& s : co_await sessions_.list(user.id, req.deadline)) {
        items.push_back({{"id", s.token_hash.substr(0, kSessionIdChars)},
                         {"created_at", core::format_rfc3339_ms(s.created_at_ms)},
                         {"expires_at", core::format_rfc3339_ms(s.expires_at_ms)},
                         {"current", s.token_hash == current}});
    }
    boost::json::object body{{"sessions", std::move(items)}};
    auto r = Response::json(200, boost::json::serialize(body));
    r.set_header("Cache-Control", "no-store");
    co_return r;
}

boost::asio::awaitable<Response> Accounts::sign_out_everywhere(Request& req) {
    auto user = co_await bearer_.authenticate(req);
    co_await sessions_.revoke_all(user.id, req.deadline);
    co_return Response::empty(204);
}

boost::asio::awaitable<Response> Accounts::me(Request& req) {
    auto user = co_await bearer_.authenticate(req);
    auto used = co_await store_.usage(user.id, req.deadline);
    auto uid = user.id;
    auto app_account_token = co_await purchases_.app_account_token(std::move(uid), req.deadline);
    auto limit = [](std::int64_t quota) -> boost::json::value {
        if (quota > 0) return quota;
        return nullptr;
    };
    auto shown = user_json(user);
    shown["app_account_token"] = app_account_token;
    boost::json::object body{
        {"user", std::move(shown)},
        {"usage",
         {{"memories", used.memories}, {"files", used.files}, {"file_bytes", used.file_bytes}}},
        {"quota",
         {{"memories", limit(quotas_.memories)},
          {"files", limit(quotas_.files)},
          {"file_bytes", limit(quotas_.file_bytes)}}}};
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

    json::value signed_in{{"type", "object"}, {"properties", {{"user", user}}}};
    json::value counts{{"type", "object"},
                       {"properties",
                        {{"memories", {{"type", "integer"}}},
                         {"files", {{"type", "integer"}}},
                         {"file_bytes", {{"type", "integer"}}}}}};
    json::value limits{{"type", "object"},
                       {"description", "The quotas (null: no limit); past one a write gets 507."},
                       {"properties",
                        {{"memories", {{"type", json::array{"integer", "null"}}}},
                         {"files", {{"type", json::array{"integer", "null"}}}},
                         {"file_bytes", {{"type", json::array{"integer", "null"}}}}}}};
    auto me_user = user;
    me_user.as_object()["properties"].as_object()["app_account_token"] = {
        {"type", "string"},
        {"format", "uuid"},
        {"description",
         "Stable; the apps pass it to the App Store (appAccountToken) and Google Play "
         "(obfuscatedAccountId) so that a purchase is bound to this account."}};
    json::value me_doc{{"type", "object"},
                       {"properties", {{"user", me_user}, {"usage", counts}, {"quota", limits}}}};
    json::value session{
        {"type", "object"},
        {"required", json::array{"id", "created_at", "expires_at", "current"}},
        {"properties",
         {{"id", {{"type", "string"}, {"description", "Names the session; not a credential."}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}},
          {"expires_at", {{"type", "string"}, {"format", "date-time"}}},
          {"current", {{"type", "boolean"}, {"description", "The session of this request."}}}}}};
    json::value sessions{{"type", "object"},
                         {"required", json::array{"sessions"}},
                         {"properties", {{"sessions", {{"type", "array"}, {"items", session}}}}}};
    // Sign-up and sign-in take no token; sign-out and /v1/me do.
    add_route_table(
        router,
        {"accounts",
         false,
         {{"POST",
           "/v1/accounts",
           [this](Request& r) { return sign_up(r); },
           {"Create an account and sign in",
            {{"requestBody", credentials}},
            {{"201", with_body("Created; the token signs the user in", user_and_token)},
             {"409", described("An account with this email exists")},
             {"413", described("Body too large")},
             {"415", described("The body is not application/json")},
             {"422", described("Email or password invalid; the message names the field")},
             {"429", described("Too many password checks in progress from this address")},
             {"503", described("Every password-hashing thread is busy and its queue full")}}}},
          {"POST",
           "/v1/sessions",
           [this](Request& r) { return sign_in(r); },
           {"Sign in, with a password or a Firebase ID token",
            {{"description",
              "With firebase_id_token (when auth.firebase.project_id is set), the token's "
              "Firebase user is signed in; their first sign-in creates their account."},
             {"requestBody",
              json_request(
                  {{"oneOf",
                    json::array{
                        credentials.at("content").at("application/json").at("schema"),
                        {{"type", "object"},
                         {"required", json::array{"firebase_id_token"}},
                         {"properties", {{"firebase_id_token", {{"type", "string"}}}}}}}}})}},
            {{"200", with_body("Signed in", user_and_token)},
             {"401", described("Wrong email or password, or a Firebase ID token that breaks a "
                               "rule (the message names it)")},
             {"422", described("firebase_id_token given while Firebase sign-in is off")},
             {"415", described("The body is not application/json")},
             {"429", described("Too many failed sign-ins for this account or from this address: "
                               "retry after Retry-After seconds")},
             {"503", described("Every password-hashing thread is busy and its queue full")}}}}}});
    add_route_table(router,
                    {"accounts",
                     true,
                     {{"DELETE",
                       "/v1/sessions/current",
                       [this](Request& r) { return sign_out(r); },
                       {"Sign out: this token is refused from then on",
                        {},
                        {{"204", described("Signed out")}}}},
                      {"GET",
                       "/v1/sessions",
                       [this](Request& r) { return list_sessions(r); },
                       {"The user's signed-in sessions (devices), newest first",
                        {},
                        {{"200", with_body("The live sessions", sessions)}}}},
                      {"DELETE",
                       "/v1/sessions",
                       [this](Request& r) { return sign_out_everywhere(r); },
                       {"Sign out everywhere: every token of the user is refused from then on, "
                        "by every process",
                        {},
                        {{"204", described("Signed out everywhere")}}}},
                      {"GET",
                       "/v1/me",
                       [this](Request& r) { return me(r); },
                       {"The signed-in user, what their data uses and their quotas",
                        {},
                        {{"200", with_body("The user", me_doc)}}}}}});
}

}  // namespace mindme::app
