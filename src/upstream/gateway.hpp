#pragma once
// The gateway to an AI upstream with a quota (Bedrock): every call or stream holds a slot
// of the Quota for its life (beyond it a FIFO wait, then 429/503), and a call's failures
// are retried as the AWS SDKs' standard mode says — throttles, transient 5xx, connection
// errors and timeouts, up to max_attempts, full-jitter backoff, within a retry budget.
// Metrics by upstream: gateway_in_flight, gateway_queued, gateway_wait_seconds,
// gateway_attempts_total{reason} (first, throttle, transient, timeout),
// gateway_throttles_total, gateway_retry_budget_empty_total.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>

#include "metrics/fwd.hpp"
#include "upstream/aws_retry.hpp"
#include "upstream/http_client.hpp"
#include "upstream/quota.hpp"

namespace mindme::upstream {

struct GatewayOptions {
    std::size_t max_concurrent = 1000;  // the seed's Nova Sonic quota
    std::size_t queue_size = 1000;
    std::chrono::milliseconds queue_timeout{10000};
    int max_attempts = 3;
    std::chrono::milliseconds backoff_base = kAwsBackoffBase;
    std::chrono::milliseconds backoff_cap = kAwsBackoffCap;
};

class Gateway {
public:
    using Attempt = std::function<boost::asio::awaitable<ClientResponse>()>;

    Gateway(GatewayOptions options, metrics::Registry& registry, std::string upstream);
    ~Gateway();

    // Holds a slot while `attempt` runs and is retried. The last answer (whatever its
    // status), or the last UpstreamError; no retry starts past `deadline`.
    boost::asio::awaitable<ClientResponse> call(Attempt attempt, Clock::time_point deadline);
    // The same retries, for a caller that holds a slot already (a voice session opening its
    // stream).
    boost::asio::awaitable<ClientResponse> retry(Attempt attempt, Clock::time_point deadline);
    // A slot held for a stream's life (the caller's Hold).
    boost::asio::awaitable<Quota::Hold> hold();

    const Quota& quota() const;
    int retry_tokens() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::upstream
