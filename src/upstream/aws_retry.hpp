#pragma once
// The AWS SDKs' standard retry mode, as botocore and the C++ SDK implement it: which
// answers are retried (throttles, transient 5xx, connection errors and timeouts; never a
// ModelTimeoutException, a validation error or a 424), the wait (full jitter, 1 s base,
// 20 s cap), and the retry quota — a token bucket of 500 that a retry draws 5 from (10
// after a timeout) and a first-try success refills by 1 — so that retries cannot multiply
// an outage: once the bucket is dry, failures are returned as they are.
#include <chrono>
#include <mutex>
#include <string>

#include "upstream/http_client.hpp"

namespace mindme::upstream {

enum class RetryReason { kNone, kThrottle, kTransient, kTimeout };
const char* reason_name(RetryReason reason);

// The error type of an AWS JSON-protocol answer: x-amzn-ErrorType (up to ':'), else the
// body's __type (after '#'), else "".
std::string aws_error_type(const ClientResponse& response);

// Why the answer may be retried, or kNone.
RetryReason retry_reason(const ClientResponse& response);
RetryReason retry_reason(const UpstreamError& error);

class RetryBudget {
public:
    static constexpr int kCapacity = 500;
    static constexpr int kRetryCost = 5;
    static constexpr int kTimeoutCost = 10;
    static constexpr int kSuccessRefill = 1;

    // Takes the cost of a retry for `reason`; false when the bucket cannot pay it.
    bool withdraw(RetryReason reason);
    // A call that succeeded: a retried one gives back what its retries took, a first-try
    // one refills a token.
    void succeeded(int retry_cost_paid);
    int available() const;

private:
    mutable std::mutex mutex_;
    int tokens_ = kCapacity;
};

inline constexpr std::chrono::milliseconds kAwsBackoffBase{1000};
inline constexpr std::chrono::milliseconds kAwsBackoffCap{20000};

}  // namespace mindme::upstream
