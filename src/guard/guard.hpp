#pragma once
// The edge rules every request passes before its handler (the WAF and overload
// role of the seed's ALB + WAF): client address resolution through trusted proxies,
// the per-client rate limit, a per-address bound on uploads in progress, and admission
// control. /health is exempt from both
// limits so that a load balancer always sees the truth.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config_fwd.hpp"
#include "http/message.hpp"
#include "metrics/fwd.hpp"

namespace mindme::guard {

struct GuardOptions {
    std::uint64_t rate_limit_requests = 10'000;
    std::chrono::seconds rate_limit_window{300};
    int ipv6_prefix = 64;
    std::vector<std::string> trusted_proxies;
    std::int64_t max_in_flight = 10'000;
    std::size_t max_uploads_per_address = 8;
    int overload_retry_after_seconds = 1;
    std::vector<std::string> exempt_paths{"/health"};

    static GuardOptions from(const core::Config& config);
};

void declare_config(core::ConfigSchema& schema);

class Guard {
public:
    // What an admitted request carries until its response is ready.
    struct Pass {
        http::SendHold slot{nullptr, [](void*) {}};
        http::SendHold upload{nullptr, [](void*) {}};  // an upload's per-address slot
        std::uint64_t limit = 0;                       // 0: the rate limit is off
        std::uint64_t remaining = 0;
        std::int64_t reset_seconds = 0;
    };

    // Throws std::invalid_argument for a malformed trusted proxy entry.
    Guard(GuardOptions options, metrics::Registry& registry);
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

    // Sets req.client_address and applies the rules: the refusal (429, 503), or
    // nullopt with `pass` filled. Synchronous, so the caller's coroutine runs the
    // handler without another frame in between.
    std::optional<http::Response> admit(http::Request& req, Pass& pass);
    // Adds the RateLimit-* headers and hands the admission slot to the response,
    // which releases it once written.
    void finish(http::Response& response, Pass&& pass);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::guard
