// The assistant gateway's cost per call: the same Bedrock-shaped calls to a loopback
// stand-in made straight through the outbound client and through the gateway (a quota
// slot, retry bookkeeping, the answer cache's miss path), in one run, alternating rounds.
// Also the cache's hit path. Prints: name calls seconds calls_per_second.
//   mindme_gateway_bench [CALLS] [CONCURRENCY]
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "metrics/registry.hpp"
#include "upstream/answer_cache.hpp"
#include "upstream/gateway.hpp"
#include "upstream/http_client.hpp"
#include "upstream/stand_in_server.hpp"

namespace asio = boost::asio;
using namespace mindme;
using Clock = std::chrono::steady_clock;

namespace {

// Runs `calls` calls, `concurrency` at a time on one loop; seconds taken.
template <class Call>
double run(int calls, int concurrency, Call call) {
    asio::io_context loop;
    int next = 0;
    auto started = Clock::now();
    for (int w = 0; w < concurrency; ++w)
        asio::co_spawn(
            loop,
            [&]() -> asio::awaitable<void> {
                while (next < calls) co_await call(next++);
            },
            asio::detached);
    loop.run();
    return std::chrono::duration<double>(Clock::now() - started).count();
}

}  // namespace

int main(int argc, char** argv) {
    int calls = argc > 1 ? std::stoi(argv[1]) : 20000;
    int concurrency = argc > 2 ? std::stoi(argv[2]) : 32;
    upstream::testing::StandInServer bedrock([](const upstream::testing::Received&) {
        return upstream::testing::Reply{
            200, {}, R"({"output":{"message":{"content":[{"text":"ok"}]}}})"};
    });
    metrics::Registry registry;
    upstream::ClientOptions client_options;
    client_options.max_per_origin = static_cast<std::size_t>(concurrency);
    upstream::HttpClient client(client_options, registry);
    upstream::GatewayOptions gateway_options;
    upstream::Gateway gateway(gateway_options, registry, "bedrock");
    upstream::AnswerCache cache(1'000'000, std::chrono::seconds(3600), registry, "bedrock");
    auto url = bedrock.url("/model/m/converse");
    auto direct = [&](int) -> asio::awaitable<upstream::ClientResponse> {
        upstream::CallOptions call;
        call.upstream = "bench";
        upstream::ClientRequest request{"POST", url, {}, "{}"};
        co_return co_await client.send(std::move(request), std::move(call));
    };
    int round = 0;
    auto through_gateway = [&](int i) -> asio::awaitable<upstream::AnswerCache::Answer> {
        upstream::Gateway::Attempt attempt = [&]() { return direct(i); };
        upstream::AnswerCache::Produce produce =
            [&]() -> asio::awaitable<upstream::AnswerCache::Produced> {
            auto r = co_await gateway.call(attempt, Clock::now() + std::chrono::seconds(30));
            co_return upstream::AnswerCache::Produced{r.body, true};
        };
        auto key = std::to_string(round) + ":" + std::to_string(i);  // a miss each time
        co_return co_await cache.get(key, produce);
    };
    auto hit = [&](int i) -> asio::awaitable<upstream::AnswerCache::Answer> {
        upstream::AnswerCache::Produce produce =
            [&]() -> asio::awaitable<upstream::AnswerCache::Produced> {
            co_return upstream::AnswerCache::Produced{"ok", true};
        };
        auto key = "warm:" + std::to_string(i % 1000);
        co_return co_await cache.get(key, produce);
    };
    run(2000, concurrency, direct);  // warm the pool
    for (round = 1; round <= 3; ++round) {
        auto d = run(calls, concurrency, direct);
        std::printf("direct %d %.3f %.0f\n", calls, d, calls / d);
        auto g = run(calls, concurrency, through_gateway);
        std::printf("gateway %d %.3f %.0f\n", calls, g, calls / g);
    }
    run(1000, 1, hit);
    auto h = run(calls, concurrency, hit);
    std::printf("cache_hit %d %.3f %.0f\n", calls, h, calls / h);
    return 0;
}
