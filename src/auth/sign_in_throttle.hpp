#pragma once
// Slows password guessing (NIST SP 800-63B §5.2.2, OWASP ASVS V2.2) without letting a
// guesser lock the owner out. Failed sign-ins are counted per account, per account and
// client address together, and per address across accounts; past a few free failures
// each key must wait a delay that doubles with every further failure (capped), and an
// attempt inside the delay is refused before any password is hashed (429, Retry-After).
// The account-wide count does not apply to an address that has signed in to the
// account before (while this process remembers it), so an owner keeps getting in with
// the right password however hard others guess. A success clears the counts of its
// account (the address count stays: signing in to one's own account must not buy more
// guesses at others'). Counts live in this process, within a bounded number of keys,
// and fade after a quiet quarter of an hour.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace mindme::auth {

struct ThrottleOptions {
    int free_failures = 5;           // per account, and per (account, address)
    int free_address_failures = 20;  // per address, over every account it tries
    std::chrono::seconds max_delay{60};
    std::chrono::seconds forget_after{15 * 60};  // a key quiet this long starts again
    std::size_t max_keys = 100'000;              // per kind of key
};

class SignInThrottle {
public:
    using Clock = std::chrono::steady_clock;

    explicit SignInThrottle(ThrottleOptions options) : options_(options) {}

    // How long `address` must still wait before trying `account` again; nullopt: it
    // may try now.
    std::optional<std::chrono::seconds> wait(std::string_view account, std::string_view address,
                                             Clock::time_point now);
    void failed(std::string_view account, std::string_view address, Clock::time_point now);
    void succeeded(std::string_view account, std::string_view address);

private:
    struct Count {
        int failures = 0;
        Clock::time_point last{};
    };
    using Counts = std::unordered_map<std::string, Count>;

    std::optional<std::chrono::seconds> wait_of(Counts& counts, const std::string& key, int free,
                                                Clock::time_point now) const;
    void add_failure(Counts& counts, const std::string& key, Clock::time_point now);
    bool known(const std::string& account, std::string_view address) const;

    ThrottleOptions options_;
    std::mutex mutex_;
    Counts accounts_, pairs_, addresses_;
    // Addresses that signed in to each account (a few per account).
    std::unordered_map<std::string, std::unordered_set<std::string>> known_;
};

}  // namespace mindme::auth
