#include <ctime>

#include "push/fcm.hpp"
#include "upstream/retry.hpp"

namespace mindme::push {

FcmSender::FcmSender(upstream::GoogleAccessTokens& tokens, FcmOptions options)
    : tokens_(tokens),
      options_(std::move(options)),
      url_(options_.base_url + "/v1/projects/" + options_.project_id + "/messages:send") {}

boost::asio::awaitable<SendResult> FcmSender::send(const PushMessage& message,
                                                   upstream::Clock::time_point deadline) {
    upstream::ClientRequest request{
        "POST", url_, {{"Content-Type", "application/json"}}, fcm_request_body(message)};
    upstream::CallOptions call;
    call.upstream = "fcm";
    call.deadline = deadline;
    // UNAVAILABLE and INTERNAL are retried here, briefly, as the SDKs do; QUOTA_EXCEEDED
    // waits a minute, which is the job queue's to wait (the job retries, the worker is
    // free meanwhile).
    call.retry_statuses = {500, 502, 503, 504};
    upstream::ClientResponse response;
    try {
        response = co_await tokens_.send(std::move(request), call);
    } catch (const upstream::UpstreamError& e) {
        co_return SendResult{Outcome::kUnavailable, e.what(), std::chrono::milliseconds(0)};
    }
    std::optional<std::chrono::milliseconds> retry_after;
    if (auto value = response.header("Retry-After"))
        retry_after = upstream::parse_retry_after(*value, std::time(nullptr));
    co_return classify_fcm_response(response.status, response.body, retry_after);
}

}  // namespace mindme::push
