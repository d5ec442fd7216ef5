// The gateway against a Bedrock-like stand-in: throttles retried into one answer, the
// quota never exceeded upstream, waiters served in order, the overflow refused with 429
// or 503 and Retry-After, the model's own failures not retried, and the retry budget.
#include "upstream/gateway.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "core/await_now.hpp"
#include "core/errors.hpp"
#include "metrics/registry.hpp"
#include "upstream/stand_in_server.hpp"

namespace mindme::upstream {
namespace {

using core::await_now;
using std::chrono::milliseconds;
using testing::Received;
using testing::Reply;
using testing::StandInServer;

Reply aws_error(int status, const std::string& type) {
    return Reply{status,
                 {{"x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/"}},
                 R"({"message":")" + type + "\"}"};
}

struct GatewayTest : ::testing::Test {
    GatewayOptions quick(std::size_t concurrent = 10, std::size_t queue = 10) {
        GatewayOptions o;
        o.max_concurrent = concurrent;
        o.queue_size = queue;
        o.backoff_base = milliseconds(5);
        o.backoff_cap = milliseconds(20);
        return o;
    }
    static ClientOptions single_attempt() {
        ClientOptions o;
        o.max_attempts = 1;
        return o;
    }
    // One attempt of POST `path` on the stand-in, retried by nobody but the gateway.
    Gateway::Attempt post(StandInServer& server, std::string path) {
        return [this, &server, path]() -> boost::asio::awaitable<ClientResponse> {
            CallOptions call;
            call.upstream = "bedrock";
            call.retry_statuses = {};
            ClientRequest request{"POST", server.url(path), {}, "{}"};
            co_return co_await client.send(std::move(request), std::move(call));
        };
    }
    Clock::time_point later() { return Clock::now() + std::chrono::seconds(30); }
    metrics::Registry registry;
    HttpClient client{single_attempt(), registry};
};

TEST_F(GatewayTest, TwoThrottlesThenASuccessMakeOneAnswerOfThreeCalls) {
    std::atomic<int> n{0};
    StandInServer bedrock([&n](const Received&) {
        return ++n <= 2 ? aws_error(429, "ThrottlingException")
                        : Reply{200, {}, R"({"output":{}})"};
    });
    Gateway gateway(quick(), registry, "bedrock");
    auto r = await_now(gateway.call(post(bedrock, "/model/m/converse"), later()));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(bedrock.received().size(), 3u);
    auto text = registry.render();
    EXPECT_NE(text.find("gateway_attempts_total{upstream=\"bedrock\",reason=\"throttle\"} 2"),
              std::string::npos);
    EXPECT_NE(text.find("gateway_throttles_total{upstream=\"bedrock\"} 2"), std::string::npos);
    // The budget got back what the retries took.
    EXPECT_EQ(gateway.retry_tokens(), RetryBudget::kCapacity);
}

TEST_F(GatewayTest, TheModelsOwnFailuresAreNotRetried) {
    for (auto [status, type] :
         {std::pair{408, "ModelTimeoutException"}, std::pair{400, "ValidationException"},
          std::pair{424, "ModelErrorException"}}) {
        StandInServer bedrock([status = status, type = std::string(type)](const Received&) {
            return aws_error(status, type);
        });
        metrics::Registry own;  // one gateway per registry
        Gateway gateway(quick(), own, "bedrock");
        EXPECT_EQ(await_now(gateway.call(post(bedrock, "/"), later())).status, status);
        EXPECT_EQ(bedrock.received().size(), 1u) << type;
    }
}

TEST_F(GatewayTest, TransientFailuresStopAtMaxAttempts) {
    StandInServer bedrock(
        [](const Received&) { return aws_error(503, "ServiceUnavailableException"); });
    Gateway gateway(quick(), registry, "bedrock");
    EXPECT_EQ(await_now(gateway.call(post(bedrock, "/"), later())).status, 503);
    EXPECT_EQ(bedrock.received().size(), 3u);
}

TEST_F(GatewayTest, TheUpstreamNeverSeesMoreThanTheQuotaAndWaitersGoInOrder) {
    StandInServer bedrock([](const Received&) { return Reply::paused(milliseconds(150)); });
    Gateway gateway(quick(2, 10), registry, "bedrock");
    boost::asio::io_context loop;
    std::vector<std::future<ClientResponse>> calls;
    for (int i = 0; i < 6; ++i)
        calls.push_back(boost::asio::co_spawn(
            loop, gateway.call(post(bedrock, "/call/" + std::to_string(i)), later()),
            boost::asio::use_future));
    loop.run();
    for (auto& c : calls) EXPECT_EQ(c.get().status, 200);
    EXPECT_EQ(bedrock.max_concurrent(), 2);
    auto got = bedrock.received();
    ASSERT_EQ(got.size(), 6u);
    // The first two in either order; the waiters after them as they queued.
    for (int i = 2; i < 6; ++i)
        EXPECT_EQ(got[static_cast<std::size_t>(i)].target, "/call/" + std::to_string(i));
}

TEST_F(GatewayTest, TheOverflowIsRefusedWithRetryAfter) {
    StandInServer bedrock([](const Received&) { return Reply::paused(milliseconds(1500)); });
    auto options = quick(1, 1);
    options.queue_timeout = milliseconds(200);
    Gateway gateway(options, registry, "bedrock");
    boost::asio::io_context loop;
    auto running = boost::asio::co_spawn(loop, gateway.call(post(bedrock, "/a"), later()),
                                         boost::asio::use_future);
    auto waiting = boost::asio::co_spawn(loop, gateway.call(post(bedrock, "/b"), later()),
                                         boost::asio::use_future);
    auto refused = boost::asio::co_spawn(loop, gateway.call(post(bedrock, "/c"), later()),
                                         boost::asio::use_future);
    loop.run();
    EXPECT_EQ(running.get().status, 200);
    auto code_of = [](std::future<ClientResponse>& f) {
        try {
            f.get();
        } catch (const core::ApiError& e) {
            EXPECT_GT(e.retry_after(), 0);
            return e.code();
        }
        return core::ErrorCode::kInternal;
    };
    EXPECT_EQ(code_of(waiting), core::ErrorCode::kUnavailable);  // waited past the timeout
    EXPECT_EQ(code_of(refused), core::ErrorCode::kRateLimited);  // the queue was full
    EXPECT_EQ(bedrock.received().size(), 1u);
}

TEST(RetryBudgetTest, RetriesStopWhenTheBucketIsDryAndSuccessRefillsIt) {
    RetryBudget budget;
    int retries = 0;
    while (budget.withdraw(RetryReason::kThrottle)) ++retries;
    EXPECT_EQ(retries, RetryBudget::kCapacity / RetryBudget::kRetryCost);
    EXPECT_FALSE(budget.withdraw(RetryReason::kTimeout));
    budget.succeeded(0);
    EXPECT_EQ(budget.available(), RetryBudget::kSuccessRefill);
    budget.succeeded(RetryBudget::kTimeoutCost);
    EXPECT_EQ(budget.available(), RetryBudget::kSuccessRefill + RetryBudget::kTimeoutCost);
    EXPECT_TRUE(budget.withdraw(RetryReason::kTimeout));
}

TEST(AwsErrorType, ReadsTheHeaderOrTheBody) {
    ClientResponse header{
        429, {{"x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/"}}, ""};
    EXPECT_EQ(aws_error_type(header), "ThrottlingException");
    ClientResponse body{
        400, {}, R"({"__type":"com.amazonaws.bedrock#ValidationException","message":"x"})"};
    EXPECT_EQ(aws_error_type(body), "ValidationException");
    EXPECT_EQ(retry_reason(body), RetryReason::kNone);
    EXPECT_EQ(retry_reason(ClientResponse{503, {}, ""}), RetryReason::kTransient);
    EXPECT_EQ(retry_reason(UpstreamError(UpstreamError::Kind::kTimeout, "t")),
              RetryReason::kTimeout);
}

}  // namespace
}  // namespace mindme::upstream
