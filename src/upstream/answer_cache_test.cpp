#include "upstream/answer_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <thread>

#include "core/await_now.hpp"
#include "metrics/registry.hpp"

namespace mindme::upstream {
namespace {

using core::await_now;
namespace asio = boost::asio;

struct AnswerCacheTest : ::testing::Test {
    // An upstream call that answers `text` after `pause`, counted.
    AnswerCache::Produce call(std::string text, std::chrono::milliseconds pause = {}) {
        return [this, text, pause]() -> asio::awaitable<AnswerCache::Produced> {
            ++calls;
            if (pause.count() > 0) {
                asio::steady_timer t(co_await asio::this_coro::executor, pause);
                co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
            }
            co_return AnswerCache::Produced{text, true};
        };
    }
    metrics::Registry registry;
    std::atomic<int> calls{0};
};

TEST_F(AnswerCacheTest, ASecondAskIsCached) {
    AnswerCache cache(100, std::chrono::seconds(60), registry, "t");
    auto first = await_now(cache.get("k", call("answer")));
    EXPECT_EQ(first.text, "answer");
    EXPECT_FALSE(first.cached);
    auto second = await_now(cache.get("k", call("other")));
    EXPECT_EQ(second.text, "answer");
    EXPECT_TRUE(second.cached);
    EXPECT_EQ(await_now(cache.get("k2", call("two"))).text, "two");
    EXPECT_EQ(calls.load(), 2);
}

TEST_F(AnswerCacheTest, NoTtlKeepsNothing) {
    AnswerCache cache(100, std::chrono::seconds(0), registry, "t");
    await_now(cache.get("k", call("a")));
    EXPECT_FALSE(await_now(cache.get("k", call("b"))).cached);
    EXPECT_EQ(calls.load(), 2);
}

TEST_F(AnswerCacheTest, IdenticalAsksInFlightShareOneCallAcrossLoops) {
    AnswerCache cache(100, std::chrono::seconds(60), registry, "t");
    asio::io_context a, b;
    std::vector<std::future<AnswerCache::Answer>> answers;
    answers.push_back(asio::co_spawn(
        a, cache.get("k", call("shared", std::chrono::milliseconds(200))), asio::use_future));
    std::thread first([&a] { a.run(); });
    // Until the call is in flight (bounded).
    for (int i = 0; i < 10'000 && calls.load() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_EQ(calls.load(), 1);
    for (int i = 0; i < 4; ++i)
        answers.push_back(asio::co_spawn(b, cache.get("k", call("not called")), asio::use_future));
    b.run();
    first.join();
    int shared = 0;
    for (auto& f : answers) {
        auto answer = f.get();
        EXPECT_EQ(answer.text, "shared");
        shared += answer.cached ? 1 : 0;
    }
    EXPECT_EQ(shared, 4);
    EXPECT_EQ(calls.load(), 1);
}

TEST_F(AnswerCacheTest, AFailureReachesEveryWaiterAndIsNotKept) {
    AnswerCache cache(100, std::chrono::seconds(60), registry, "t");
    auto failing = [this]() -> asio::awaitable<AnswerCache::Produced> {
        ++calls;
        asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(100));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        throw std::runtime_error("throttled");
    };
    asio::io_context loop;
    auto one = asio::co_spawn(loop, cache.get("k", failing), asio::use_future);
    auto two = asio::co_spawn(loop, cache.get("k", failing), asio::use_future);
    loop.run();
    EXPECT_THROW(one.get(), std::runtime_error);
    EXPECT_THROW(two.get(), std::runtime_error);
    EXPECT_EQ(calls.load(), 1);
    EXPECT_EQ(await_now(cache.get("k", call("later"))).text, "later");
}

TEST_F(AnswerCacheTest, AnAnswerThatMustNotBeKeptIsNot) {
    AnswerCache cache(100, std::chrono::seconds(60), registry, "t");
    auto wrote = [this]() -> asio::awaitable<AnswerCache::Produced> {
        ++calls;
        co_return AnswerCache::Produced{"created a memory", false};
    };
    await_now(cache.get("k", wrote));
    EXPECT_FALSE(await_now(cache.get("k", wrote)).cached);
    EXPECT_EQ(calls.load(), 2);
}

TEST_F(AnswerCacheTest, TheLeastRecentlyUsedGoesFirst) {
    AnswerCache cache(2, std::chrono::seconds(60), registry, "t");
    await_now(cache.get("a", call("A")));
    await_now(cache.get("b", call("B")));
    await_now(cache.get("a", call("A")));  // a is now the most recent
    await_now(cache.get("c", call("C")));  // b goes
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_TRUE(await_now(cache.get("a", call("A2"))).cached);
    EXPECT_FALSE(await_now(cache.get("b", call("B2"))).cached);
}

}  // namespace
}  // namespace mindme::upstream
