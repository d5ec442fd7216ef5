#include "upstream/aws_retry.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>

namespace mindme::upstream {

namespace {

// botocore's throttling codes.
constexpr std::array<std::string_view, 14> kThrottles{"Throttling",
                                                      "ThrottlingException",
                                                      "ThrottledException",
                                                      "RequestThrottledException",
                                                      "TooManyRequestsException",
                                                      "ProvisionedThroughputExceededException",
                                                      "TransactionInProgressException",
                                                      "RequestLimitExceeded",
                                                      "BandwidthLimitExceeded",
                                                      "LimitExceededException",
                                                      "RequestThrottled",
                                                      "SlowDown",
                                                      "PriorRequestNotComplete",
                                                      "EC2ThrottledException"};
constexpr std::array<std::string_view, 3> kTransientCodes{
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"};

}  // namespace

const char* reason_name(RetryReason reason) {
    switch (reason) {
        case RetryReason::kNone:
            return "none";
        case RetryReason::kThrottle:
            return "throttle";
        case RetryReason::kTransient:
            return "transient";
        case RetryReason::kTimeout:
            return "timeout";
    }
    return "?";
}

std::string aws_error_type(const ClientResponse& response) {
    if (auto header = response.header("x-amzn-ErrorType")) {
        auto value = std::string(*header);
        return value.substr(0, value.find(':'));
    }
    boost::system::error_code ec;
    auto body = boost::json::parse(response.body, ec);
    if (ec || !body.is_object()) return "";
    const auto* type = body.as_object().if_contains("__type");
    if (!type || !type->is_string()) return "";
    std::string value(type->as_string());
    auto hash = value.rfind('#');
    return hash == std::string::npos ? value : value.substr(hash + 1);
}

RetryReason retry_reason(const ClientResponse& response) {
    if (response.status < 400) return RetryReason::kNone;
    auto type = aws_error_type(response);
    if (std::find(kThrottles.begin(), kThrottles.end(), type) != kThrottles.end() ||
        type == "ModelNotReadyException")
        return RetryReason::kThrottle;
    if (std::find(kTransientCodes.begin(), kTransientCodes.end(), type) != kTransientCodes.end())
        return RetryReason::kTransient;
    // ModelTimeoutException (408) and ModelErrorException (424) are the model's own
    // failures: the same request fails the same way.
    if (type == "ModelTimeoutException" || response.status == 408 || response.status == 424)
        return RetryReason::kNone;
    if (response.status == 429) return RetryReason::kThrottle;
    if (response.status == 500 || response.status == 502 || response.status == 503 ||
        response.status == 504)
        return RetryReason::kTransient;
    return RetryReason::kNone;
}

RetryReason retry_reason(const UpstreamError& error) {
    switch (error.kind()) {
        case UpstreamError::Kind::kConnect:
        case UpstreamError::Kind::kProtocol:
            return RetryReason::kTransient;
        case UpstreamError::Kind::kTimeout:
            return RetryReason::kTimeout;
        default:
            return RetryReason::kNone;
    }
}

bool RetryBudget::withdraw(RetryReason reason) {
    int cost = reason == RetryReason::kTimeout ? kTimeoutCost : kRetryCost;
    std::lock_guard lock(mutex_);
    if (tokens_ < cost) return false;
    tokens_ -= cost;
    return true;
}

void RetryBudget::succeeded(int retry_cost_paid) {
    std::lock_guard lock(mutex_);
    tokens_ =
        std::min(kCapacity, tokens_ + (retry_cost_paid > 0 ? retry_cost_paid : kSuccessRefill));
}

int RetryBudget::available() const {
    std::lock_guard lock(mutex_);
    return tokens_;
}

}  // namespace mindme::upstream
