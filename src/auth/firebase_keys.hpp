#pragma once
// The public keys Firebase ID tokens are signed with, from Google's key server (a JSON
// object of key id → PEM certificate). Cached for the response's Cache-Control max-age;
// once stale they still serve while one refresh runs in the background, so a request
// whose key is cached never waits for the key server. An unknown key id fetches at once
// (a rotation), at most once per `unknown_key_refetch` so that made-up ids cannot make us
// hammer Google; a failed fetch keeps the last good keys. Fetches run on the outbound
// client's loop, never on the caller's.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "upstream/http_client.hpp"
#include "upstream/rs256.hpp"

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

    // The key of `kid`; nullopt when the key server does not list it. Throws
    // ApiError(kUnavailable) when no keys were ever fetched and the server cannot be had.
    boost::asio::awaitable<std::optional<upstream::RsaPublicKey>> key(std::string kid);
    // Fetch attempts so far.
    std::uint64_t fetches() const;

private:
    // Shared with a refresh running in the background, which keeps it alive until it ends
    // (the cache may go first).
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace mindme::auth
