#include "auth/firebase_keys.hpp"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <map>
#include <mutex>

#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "upstream/single_flight.hpp"

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

struct FirebaseKeys::State : std::enable_shared_from_this<State> {
    struct Keys {
        std::map<std::string, upstream::RsaPublicKey, std::less<>> by_kid;
        Clock::time_point fresh_until;
    };

    State(upstream::HttpClient& client, FirebaseKeysOptions options)
        : client_(client), options_(std::move(options)) {}

    asio::awaitable<std::optional<upstream::RsaPublicKey>> key(std::string kid);
    std::shared_ptr<const Keys> current() const;
    // On the client's loop: one fetch at a time; the keys after it (the old ones when it
    // failed and there were some).
    asio::awaitable<std::shared_ptr<const Keys>> refresh();
    asio::awaitable<std::shared_ptr<const Keys>> fetch();
    void refresh_in_background();

    upstream::HttpClient& client_;
    FirebaseKeysOptions options_;
    mutable std::mutex mutex_;
    std::shared_ptr<const Keys> keys_;
    Clock::time_point last_unknown_fetch_{};
    std::optional<Clock::time_point> failed_at_;  // the last failed fetch
    std::atomic<bool> background_{false};
    std::atomic<std::uint64_t> fetches_{0};
    upstream::SingleFlight<std::shared_ptr<const Keys>> flight_;  // the client's loop only
};

FirebaseKeys::FirebaseKeys(upstream::HttpClient& client, FirebaseKeysOptions options)
    : state_(std::make_shared<State>(client, std::move(options))) {}

asio::awaitable<std::optional<upstream::RsaPublicKey>> FirebaseKeys::key(std::string kid) {
    co_return co_await state_->key(std::move(kid));
}

std::uint64_t FirebaseKeys::fetches() const { return state_->fetches_.load(); }

std::shared_ptr<const FirebaseKeys::State::Keys> FirebaseKeys::State::current() const {
    std::lock_guard lock(mutex_);
    return keys_;
}

asio::awaitable<std::optional<upstream::RsaPublicKey>> FirebaseKeys::State::key(std::string kid) {
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

void FirebaseKeys::State::refresh_in_background() {
    if (background_.exchange(true)) return;
    asio::co_spawn(client_.executor(), refresh(),
                   [self = shared_from_this()](std::exception_ptr, std::shared_ptr<const Keys>) {
                       self->background_ = false;
                   });
}

asio::awaitable<std::shared_ptr<const FirebaseKeys::State::Keys>> FirebaseKeys::State::refresh() {
    co_return co_await flight_.run([this] { return fetch(); });
}

asio::awaitable<std::shared_ptr<const FirebaseKeys::State::Keys>> FirebaseKeys::State::fetch() {
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
