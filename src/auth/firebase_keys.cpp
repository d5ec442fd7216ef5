#include "auth/firebase_keys.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <thread>

#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/text.hpp"

namespace mindme::auth {

namespace asio = boost::asio;

std::int64_t cache_max_age(std::string_view cache_control) {
    for (auto directive : core::split_list(cache_control, ',')) {
        std::string_view d = directive;
        if (d.substr(0, 8) != "max-age=") continue;
        auto digits = d.substr(8);
        if (digits.empty() || digits.size() > 12) return 0;
        std::int64_t seconds = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') return 0;
            seconds = seconds * 10 + (c - '0');
        }
        return seconds;
    }
    return 0;
}

namespace {

core::ApiError no_keys() {
    return core::ApiError(core::ErrorCode::kUnavailable,
                          "Firebase sign-in is unavailable: its keys cannot be fetched", 5);
}

}  // namespace

FirebaseKeys::FirebaseKeys(upstream::HttpClient& client, FirebaseKeysOptions options)
    : client_(client), options_(std::move(options)) {}

FirebaseKeys::~FirebaseKeys() {
    // A background refresh uses this object: it ends within its fetch deadline.
    auto until = Clock::now() + options_.fetch_timeout + std::chrono::seconds(1);
    while (background_.load() && Clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

std::shared_ptr<const FirebaseKeys::Keys> FirebaseKeys::current() const {
    std::lock_guard lock(mutex_);
    return keys_;
}

asio::awaitable<std::optional<upstream::RsaPublicKey>> FirebaseKeys::key(std::string kid) {
    auto keys = current();
    auto now = Clock::now();
    if (keys) {
        if (now >= keys->fresh_until) refresh_in_background();
        if (auto it = keys->by_kid.find(kid); it != keys->by_kid.end()) co_return it->second;
        std::lock_guard lock(mutex_);
        if (now - last_unknown_fetch_ < options_.unknown_key_refetch) co_return std::nullopt;
        last_unknown_fetch_ = now;
    } else if (std::lock_guard lock(mutex_);
               failed_at_ && now - *failed_at_ < options_.retry_after_failure) {
        // No keys yet and the key server just failed: asking again at once would only
        // hammer it for every sign-in.
        throw no_keys();
    }
    keys = co_await asio::co_spawn(client_.executor(), refresh(), asio::use_awaitable);
    if (auto it = keys->by_kid.find(kid); it != keys->by_kid.end()) co_return it->second;
    co_return std::nullopt;
}

void FirebaseKeys::refresh_in_background() {
    if (background_.exchange(true)) return;
    asio::co_spawn(
        client_.executor(), refresh(),
        [this](std::exception_ptr, std::shared_ptr<const Keys>) { background_ = false; });
}

asio::awaitable<std::shared_ptr<const FirebaseKeys::Keys>> FirebaseKeys::refresh() {
    co_return co_await flight_.run([this] { return fetch(); });
}

asio::awaitable<std::shared_ptr<const FirebaseKeys::Keys>> FirebaseKeys::fetch() {
    ++fetches_;
    std::string failure;
    try {
        upstream::CallOptions call;
        call.upstream = "firebase_keys";
        call.deadline = Clock::now() + options_.fetch_timeout;
        call.idempotent = true;
        // Named: GCC 12 destroys a braced temporary argument of a co_await twice.
        upstream::ClientRequest request{"GET", options_.url, {}, ""};
        auto response = co_await client_.send(std::move(request), call);
        if (response.status != 200)
            throw std::runtime_error("the key server answered " + std::to_string(response.status));
        boost::system::error_code ec;
        auto body = boost::json::parse(response.body, ec);
        if (ec || !body.is_object())
            throw std::runtime_error("the key server's answer is not a JSON object");
        auto keys = std::make_shared<Keys>();
        for (const auto& [kid, pem] : body.as_object()) {
            if (!pem.is_string()) continue;
            try {
                keys->by_kid.emplace(std::string(kid),
                                     upstream::RsaPublicKey::from_certificate_pem(pem.as_string()));
            } catch (const std::invalid_argument&) {
                core::log::warn("firebase key skipped: not an RSA certificate",
                                core::log::Fields().add("kid", std::string(kid)));
            }
        }
        if (keys->by_kid.empty()) throw std::runtime_error("the key server listed no usable key");
        auto max_age = cache_max_age(response.header("Cache-Control").value_or(""));
        keys->fresh_until = Clock::now() + std::chrono::seconds(max_age);
        std::lock_guard lock(mutex_);
        keys_ = keys;
        co_return keys;
    } catch (const std::exception& e) {
        failure = e.what();
    }
    core::log::warn("firebase key fetch failed", core::log::Fields().add("error", failure));
    std::lock_guard lock(mutex_);
    failed_at_ = Clock::now();
    if (!keys_) throw no_keys();
    // The last good keys stay, and are tried again no sooner than retry_after_failure.
    auto kept = std::make_shared<Keys>(*keys_);
    kept->fresh_until = Clock::now() + options_.retry_after_failure;
    keys_ = kept;
    co_return kept;
}

}  // namespace mindme::auth
