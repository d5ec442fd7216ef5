#pragma once
// The public keys Firebase ID tokens are signed with, from Google's key server (a JSON
// object of key id → PEM certificate). Cached for the response's Cache-Control max-age;
// once stale they still serve while one refresh runs in the background, so a request
// whose key is cached never waits for the key server. An unknown key id fetches at once
// (a rotation), at most once per `unknown_key_refetch` so that made-up ids cannot make us
// hammer Google; a failed fetch keeps the last good keys. Fetches run on the outbound
// client's loop, never on the caller's.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "upstream/http_client.hpp"
#include "upstream/rs256.hpp"
#include "upstream/single_flight.hpp"

namespace mindme::auth {

// max-age=N of a Cache-Control value; 0 when absent or malformed (as firebase-admin).
std::int64_t cache_max_age(std::string_view cache_control);

struct FirebaseKeysOptions {
    std::string url;
    std::chrono::seconds unknown_key_refetch{60};
    std::chrono::seconds fetch_timeout{10};
    std::chrono::seconds retry_after_failure{30};  // a failed refresh is retried no sooner
};

class FirebaseKeys {
public:
    using Clock = upstream::Clock;
    FirebaseKeys(upstream::HttpClient& client, FirebaseKeysOptions options);
    ~FirebaseKeys();  // waits for a background refresh to end (its fetch deadline bounds it)

    // The key of `kid`; nullopt when the key server does not list it. Throws
    // ApiError(kUnavailable) when no keys were ever fetched and the server cannot be had.
    boost::asio::awaitable<std::optional<upstream::RsaPublicKey>> key(std::string kid);
    // Fetch attempts so far.
    std::uint64_t fetches() const { return fetches_.load(); }

private:
    struct Keys {
        std::map<std::string, upstream::RsaPublicKey, std::less<>> by_kid;
        Clock::time_point fresh_until;
    };
    std::shared_ptr<const Keys> current() const;
    // On the client's loop: one fetch at a time; the keys after it (the old ones when it
    // failed and there were some).
    boost::asio::awaitable<std::shared_ptr<const Keys>> refresh();
    boost::asio::awaitable<std::shared_ptr<const Keys>> fetch();
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

}  // namespace mindme::auth
