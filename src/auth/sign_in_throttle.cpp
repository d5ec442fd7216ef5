#include "auth/sign_in_throttle.hpp"

#include <algorithm>

namespace mindme::auth {
namespace {

constexpr std::size_t kKnownPerAccount = 8;

std::string pair_key(std::string_view account, std::string_view address) {
    std::string key(account);
    key += '\n';
    key += address;
    return key;
}

// Failures past the free ones wait 1 s, 2 s, 4 s, ... up to `cap`.
std::chrono::seconds delay(int past_free, std::chrono::seconds cap) {
    if (past_free <= 0) return std::chrono::seconds(0);
    auto shift = std::min(past_free - 1, 30);
    return std::min(cap, std::chrono::seconds(std::int64_t{1} << shift));
}

}  // namespace

std::optional<std::chrono::seconds> SignInThrottle::wait_of(Counts& counts, const std::string& key,
                                                            int free, Clock::time_point now) const {
    auto it = counts.find(key);
    if (it == counts.end()) return std::nullopt;
    if (now - it->second.last >= options_.forget_after) {
        counts.erase(it);
        return std::nullopt;
    }
    auto until = it->second.last + delay(it->second.failures - free, options_.max_delay);
    if (until <= now) return std::nullopt;
    // Rounded up: a client that waits Retry-After seconds is let through.
    auto left = std::chrono::ceil<std::chrono::seconds>(until - now);
    return std::max(left, std::chrono::seconds(1));
}

void SignInThrottle::add_failure(Counts& counts, const std::string& key, Clock::time_point now) {
    if (counts.size() >= options_.max_keys && !counts.count(key)) {
        // Full: forget the quiet keys; if none are, forget an arbitrary one rather than grow.
        std::erase_if(
            counts, [&](const auto& kv) { return now - kv.second.last >= options_.forget_after; });
        if (counts.size() >= options_.max_keys) counts.erase(counts.begin());
    }
    auto& c = counts[key];
    if (now - c.last >= options_.forget_after) c.failures = 0;
    ++c.failures;
    c.last = now;
}

bool SignInThrottle::known(const std::string& account, std::string_view address) const {
    auto it = known_.find(account);
    return it != known_.end() && it->second.count(std::string(address));
}

std::optional<std::chrono::seconds> SignInThrottle::wait(std::string_view account,
                                                         std::string_view address,
                                                         Clock::time_point now) {
    std::lock_guard lock(mutex_);
    std::string acc(account);
    std::optional<std::chrono::seconds> longest;
    auto consider = [&](std::optional<std::chrono::seconds> w) {
        if (w && (!longest || *w > *longest)) longest = w;
    };
    consider(wait_of(pairs_, pair_key(account, address), options_.free_failures, now));
    consider(wait_of(addresses_, std::string(address), options_.free_address_failures, now));
    if (!known(acc, address)) consider(wait_of(accounts_, acc, options_.free_failures, now));
    return longest;
}

void SignInThrottle::failed(std::string_view account, std::string_view address,
                            Clock::time_point now) {
    std::lock_guard lock(mutex_);
    add_failure(pairs_, pair_key(account, address), now);
    add_failure(addresses_, std::string(address), now);
    add_failure(accounts_, std::string(account), now);
}

void SignInThrottle::succeeded(std::string_view account, std::string_view address) {
    std::lock_guard lock(mutex_);
    std::string acc(account);
    pairs_.erase(pair_key(account, address));
    accounts_.erase(acc);
    if (known_.size() >= options_.max_keys && !known_.count(acc)) known_.erase(known_.begin());
    auto& addresses = known_[acc];
    if (addresses.size() >= kKnownPerAccount) addresses.erase(addresses.begin());
    addresses.emplace(address);
}

}  // namespace mindme::auth
