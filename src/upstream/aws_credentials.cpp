#include "upstream/aws_credentials.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "core/text.hpp"

namespace mindme::upstream {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kTokenTtl = "21600";  // the IMDS session token's life, seconds

std::optional<std::chrono::system_clock::time_point> parse_iso8601(const std::string& text) {
    std::tm tm{};
    auto* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end) return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

std::optional<AwsCredentials> parse_credentials_file(const std::string& text,
                                                     const std::string& profile) {
    std::map<std::string, std::string> keys;
    bool in_profile = false;
    for (auto line : core::split_list(text, '\n')) {
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            in_profile = core::trim(line.substr(1, line.size() - 2)) == profile;
            continue;
        }
        auto eq = line.find('=');
        if (!in_profile || eq == std::string_view::npos) continue;
        keys[core::ascii_lower(core::trim(line.substr(0, eq)))] =
            std::string(core::trim(line.substr(eq + 1)));
    }
    if (keys["aws_access_key_id"].empty() || keys["aws_secret_access_key"].empty())
        return std::nullopt;
    return AwsCredentials{keys["aws_access_key_id"], keys["aws_secret_access_key"],
                          keys["aws_session_token"]};
}

AwsCredentialsProvider::AwsCredentialsProvider(HttpClient& client, AwsCredentialOptions options)
    : client_(client), options_(std::move(options)) {}

std::optional<std::string> AwsCredentialsProvider::env(const std::string& name) const {
    if (options_.getenv) return options_.getenv(name);
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

asio::awaitable<void> AwsCredentialsProvider::resolve(Clock::time_point deadline) {
    auto id = env("AWS_ACCESS_KEY_ID");
    auto secret = env("AWS_SECRET_ACCESS_KEY");
    if (id && secret) {
        fixed_ = AwsCredentials{*id, *secret, env("AWS_SESSION_TOKEN").value_or("")};
        source_ = "environment";
        co_return;
    }
    std::string path;
    if (auto file = env("AWS_SHARED_CREDENTIALS_FILE")) {
        path = *file;
    } else if (auto home = env("HOME")) {
        path = *home + "/.aws/credentials";
    }
    auto profile = env("AWS_PROFILE").value_or("default");
    if (!path.empty() && std::filesystem::exists(path)) {
        if (auto found = parse_credentials_file(core::read_text_file(path), profile)) {
            fixed_ = *found;
            source_ = "shared credentials file " + path + " [" + profile + "]";
            co_return;
        }
    }
    std::string why;
    try {
        auto role =
            co_await asio::co_spawn(client_.executor(), fetch_role(deadline), asio::use_awaitable);
        cached_ = role;
        role_ = true;
        source_ = "instance role " + role.role;
        co_return;
    } catch (const std::exception& e) {
        why = e.what();
    }
    throw std::runtime_error(
        "no AWS credentials: not in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), "
        "not in the shared credentials file (" +
        (path.empty() ? std::string("no HOME") : path) + ", profile " + profile +
        "), and no instance role from " + options_.imds_url + " (" + why + ")");
}

asio::awaitable<AwsCredentials> AwsCredentialsProvider::credentials(Clock::time_point deadline) {
    if (fixed_) co_return *fixed_;
    if (!role_) throw std::logic_error("AwsCredentialsProvider::credentials before resolve()");
    co_return co_await asio::co_spawn(client_.executor(), role_credentials(deadline),
                                      asio::use_awaitable);
}

asio::awaitable<AwsCredentials> AwsCredentialsProvider::role_credentials(
    Clock::time_point deadline) {
    auto now = std::chrono::system_clock::now();
    if (cached_ && now < cached_->expiration - options_.refresh_before) co_return cached_->keys;
    try {
        cached_ = co_await refresh_.run([this, deadline] { return fetch_role(deadline); });
    } catch (const std::exception&) {
        // Until they expire, the old keys still sign; after, the error stands.
        if (!cached_ || now >= cached_->expiration) throw;
    }
    co_return cached_->keys;
}

asio::awaitable<AwsCredentialsProvider::RoleCredentials> AwsCredentialsProvider::fetch_role(
    Clock::time_point deadline) {
    CallOptions call;
    call.upstream = "imds";
    call.deadline = std::min(deadline, Clock::now() + options_.imds_timeout);
    call.idempotent = true;
    ClientRequest token_request{"PUT",
                                options_.imds_url + "/latest/api/token",
                                {{"X-aws-ec2-metadata-token-ttl-seconds", kTokenTtl}},
                                ""};
    auto token = co_await client_.send(std::move(token_request), call);
    if (token.status != 200)
        throw std::runtime_error("IMDS answered " + std::to_string(token.status) +
                                 " to the token request");
    std::vector<Header> with_token{{"X-aws-ec2-metadata-token", token.body}};
    auto base = options_.imds_url + "/latest/meta-data/iam/security-credentials/";
    ClientRequest role_request{"GET", base, with_token, ""};
    auto role = co_await client_.send(std::move(role_request), call);
    auto name = std::string(core::trim(role.body, " \t\r\n"));
    if (role.status != 200 || name.empty()) throw std::runtime_error("the instance has no role");
    name = name.substr(0, name.find('\n'));
    ClientRequest keys_request{"GET", base + name, with_token, ""};
    auto keys = co_await client_.send(std::move(keys_request), call);
    boost::system::error_code ec;
    auto body = json::parse(keys.body, ec);
    if (keys.status != 200 || ec || !body.is_object())
        throw std::runtime_error("IMDS gave no credentials for role " + name);
    const auto& o = body.as_object();
    auto text = [&o](const char* k) {
        const auto* v = o.if_contains(k);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    auto expiration = parse_iso8601(text("Expiration"));
    if (text("Code") != "Success" || text("AccessKeyId").empty() || !expiration)
        throw std::runtime_error("IMDS credentials for role " + name + " are not usable");
    co_return RoleCredentials{
        {text("AccessKeyId"), text("SecretAccessKey"), text("Token")}, *expiration, name};
}

}  // namespace mindme::upstream
