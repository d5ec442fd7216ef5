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

// Holds one pool thread with a job that waits until release() (or destruction).
class Blocker {
public:
    explicit Blocker(BlockingPool& pool)
        : done_(std::async(std::launch::async, [this, &pool] {
              await_now([&]() -> asio::awaitable<int> {
                  co_await pool.run([this] {
                      started_.set_value();
                      gate_.wait();
                  });
                  co_return 0;
              }());
          })) {
        started_.get_future().wait();
    }
    ~Blocker() { release(); }
    void release() {
        if (!released_.exchange(true)) gate_.count_down();
        if (done_.valid()) done_.get();
    }

private:
    std::latch gate_{1};
    std::promise<void> started_;
    std::atomic<bool> released_{false};
    std::future<void> done_;
};

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
    // Occupy the only thread, then fill the only queue slot.
    Blocker blocker(pool);
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
    blocker.release();
    EXPECT_EQ(queued.get(), 7);
    EXPECT_EQ(pool.stats().rejected, 1u);
}

TEST(BlockingPool, JobsStillQueuedAtTheirDeadlineDoNotRun) {
    BlockingPool pool("test", 1, 10);
    Blocker blocker(pool);
    std::atomic<bool> ran{false};
    auto late = std::async(std::launch::async, [&] {
        return await_now([&]() -> asio::awaitable<int> {
            // Already past its deadline when a thread frees up.
            co_await pool.run([&] { ran = true; }, BlockingPool::Clock::now());
            co_return 0;
        }());
    });
    wait_until_queued(pool);
    blocker.release();
    EXPECT_THROW(late.get(), ApiError);
    EXPECT_FALSE(ran);
    EXPECT_EQ(pool.stats().expired, 1u);
}

}  // namespace
}  // namespace mindme::core
