#include "core/blocking_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <latch>

#include "core/await_now.hpp"

namespace mindme::core {
namespace {

namespace asio = boost::asio;

// Waits (bounded: 10 s) until a job sits in the pool's queue.
void wait_until_queued(const BlockingPool& pool) {
    auto until = BlockingPool::Clock::now() + std::chrono::seconds(10);
    while (pool.stats().queued == 0 && BlockingPool::Clock::now() < until)
        std::this_thread::yield();
}

TEST(BlockingPool, RunsOffTheLoopThreadAndResumesOnIt) {
    BlockingPool pool("test", 2, 10);
    auto result = await_now([&]() -> asio::awaitable<std::pair<bool, bool>> {
        auto loop_thread = std::this_thread::get_id();
        auto pool_thread = co_await pool.run([] { return std::this_thread::get_id(); });
        co_return std::make_pair(pool_thread != loop_thread,
                                 std::this_thread::get_id() == loop_thread);
    }());
    EXPECT_TRUE(result.first);
    EXPECT_TRUE(result.second);
    EXPECT_EQ(pool.stats().completed, 1u);
}

TEST(BlockingPool, ExceptionsReachTheCaller) {
    BlockingPool pool("test", 1, 10);
    EXPECT_THROW(await_now([&]() -> asio::awaitable<int> {
                     co_return co_await pool.run([]() -> int { throw std::runtime_error("x"); });
                 }()),
                 std::runtime_error);
    await_now([&]() -> asio::awaitable<int> {
        co_await pool.run([] {});  // void jobs work too
        co_return 0;
    }());
}

TEST(BlockingPool, FullQueueIsRefusedAtOnceWith503) {
    BlockingPool pool("test", 1, 1);
    std::latch release(1);
    std::promise<void> started;
    // Occupy the only thread, then fill the only queue slot.
    auto blocker = std::async(std::launch::async, [&] {
        return await_now([&]() -> asio::awaitable<int> {
            co_await pool.run([&] {
                started.set_value();
                release.wait();
            });
            co_return 0;
        }());
    });
    started.get_future().wait();
    auto queued = std::async(std::launch::async, [&] {
        return await_now(
            [&]() -> asio::awaitable<int> { co_return co_await pool.run([] { return 7; }); }());
    });
    wait_until_queued(pool);
    ASSERT_EQ(pool.stats().queued, 1u);
    try {
        await_now(
            [&]() -> asio::awaitable<int> { co_return co_await pool.run([] { return 1; }); }());
        ADD_FAILURE() << "a full queue accepted a job";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
        EXPECT_EQ(e.retry_after(), 1);
    }
    release.count_down();
    EXPECT_EQ(blocker.get(), 0);
    EXPECT_EQ(queued.get(), 7);
    EXPECT_EQ(pool.stats().rejected, 1u);
}

TEST(BlockingPool, JobsStillQueuedAtTheirDeadlineDoNotRun) {
    BlockingPool pool("test", 1, 10);
    std::latch release(1);
    std::promise<void> started;
    auto blocker = std::async(std::launch::async, [&] {
        return await_now([&]() -> asio::awaitable<int> {
            co_await pool.run([&] {
                started.set_value();
                release.wait();
            });
            co_return 0;
        }());
    });
    started.get_future().wait();
    std::atomic<bool> ran{false};
    auto late = std::async(std::launch::async, [&] {
        return await_now([&]() -> asio::awaitable<int> {
            // Already past its deadline when a thread frees up.
            co_await pool.run([&] { ran = true; }, BlockingPool::Clock::now());
            co_return 0;
        }());
    });
    wait_until_queued(pool);
    release.count_down();
    EXPECT_THROW(late.get(), ApiError);
    EXPECT_FALSE(ran);
    blocker.get();
    EXPECT_EQ(pool.stats().expired, 1u);
}

}  // namespace
}  // namespace mindme::core
