// The runner over the SQL queue: handlers run, failures retry, a stop releases what
// was leased and not started.
#include "queue/runner.hpp"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <mutex>
#include <set>

#include "core/await_now.hpp"
#include "metrics/registry.hpp"
#include "queue/sql_queue.hpp"
#include "store/test_backends.hpp"

namespace mindme::queue {
namespace {

using core::await_now;
using namespace std::chrono_literals;

class JobRunnerTest : public ::testing::Test {
protected:
    void SetUp() override {
        factory_ = store::test_backends::sqlite_backend();
        db_ = factory_.open();
        SqlQueueOptions o;
        o.retry = {3, 1ms, 2ms};
        queue_ = make_sql_queue(*db_, o);
    }
    void TearDown() override {
        queue_.reset();
        db_.reset();
        factory_.cleanup();
    }
    RunnerOptions fast() {
        RunnerOptions o;
        o.concurrency = 3;
        o.poll = 5ms;
        o.stats_interval = 5ms;
        return o;
    }
    std::int64_t count(const char* state) {
        for (auto& t : await_now(queue_->stats()))
            if (t.topic == "t") {
                if (std::string(state) == "ready") return t.ready;
                if (std::string(state) == "leased") return t.leased;
                return t.dead;
            }
        return 0;
    }

    store::test_backends::Backend factory_;
    std::unique_ptr<store::SqlDatabase> db_;
    std::unique_ptr<JobQueue> queue_;
    metrics::Registry registry_;
    JobMetrics metrics_{registry_};
};

TEST_F(JobRunnerTest, RunsEveryJobOnceAndAcksIt) {
    constexpr int kJobs = 50;
    for (int i = 0; i < kJobs; ++i) await_now(queue_->enqueue({"t", std::to_string(i)}));
    std::mutex mutex;
    std::multiset<std::string> seen;
    std::promise<void> all_done;
    JobRunner runner(*queue_, fast(), metrics_);
    runner.handle("t", [&](const Job& job) -> boost::asio::awaitable<void> {
        std::lock_guard lock(mutex);
        seen.insert(job.payload);
        if (seen.size() == kJobs) all_done.set_value();
        co_return;
    });
    runner.start();
    ASSERT_EQ(all_done.get_future().wait_for(60s), std::future_status::ready);
    runner.stop(10s);
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kJobs));
    for (const auto& p : seen) EXPECT_EQ(seen.count(p), 1u);
    EXPECT_EQ(count("ready") + count("leased") + count("dead"), 0);
    EXPECT_NE(registry_.render().find("jobs_total{topic=\"t\",outcome=\"done\"} 50"),
              std::string::npos);
}

TEST_F(JobRunnerTest, AFailingHandlerIsRetriedThenDeadLettered) {
    await_now(queue_->enqueue({"t", "bad"}));
    std::atomic<int> calls{0};
    std::promise<void> third;
    JobRunner runner(*queue_, fast(), metrics_);
    runner.handle("t", [&](const Job&) -> boost::asio::awaitable<void> {
        if (++calls == 3) third.set_value();
        throw std::runtime_error("cannot do it");
        co_return;
    });
    runner.start();
    ASSERT_EQ(third.get_future().wait_for(60s), std::future_status::ready);
    // The third failure is recorded before the runner stops.
    auto give_up = std::chrono::steady_clock::now() + 30s;
    while (count("dead") == 0 && std::chrono::steady_clock::now() < give_up) {
    }
    runner.stop(10s);
    EXPECT_EQ(calls.load(), 3);
    EXPECT_EQ(count("dead"), 1);
}

TEST_F(JobRunnerTest, AJobThatCanNeverSucceedIsDeadLetteredAtOnce) {
    await_now(queue_->enqueue({"t", "refused"}));
    std::atomic<int> calls{0};
    JobRunner runner(*queue_, fast(), metrics_);
    runner.handle("t", [&](const Job&) -> boost::asio::awaitable<void> {
        ++calls;
        throw JobFailed("INVALID_ARGUMENT: the message is invalid", {0ms, true});
        co_return;
    });
    runner.start();
    auto give_up = std::chrono::steady_clock::now() + 30s;
    while (count("dead") == 0 && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(1ms);
    runner.stop(10s);
    EXPECT_EQ(calls.load(), 1);  // not the queue's three attempts
    EXPECT_EQ(count("dead"), 1);
}

TEST_F(JobRunnerTest, AJobDeferredForItsEnvironmentIsNeverDeadLettered) {
    // Twice the queue's three attempts of RetryLater (an index out of reach), then it works.
    await_now(queue_->enqueue({"t", "later"}));
    std::atomic<int> calls{0};
    std::promise<void> done;
    RunnerOptions o = fast();
    o.retry_later = 1ms;
    JobRunner runner(*queue_, o, metrics_);
    runner.handle("t", [&](const Job&) -> boost::asio::awaitable<void> {
        if (++calls <= 6) throw RetryLater("the index is unavailable");
        done.set_value();
        co_return;
    });
    runner.start();
    ASSERT_EQ(done.get_future().wait_for(60s), std::future_status::ready);
    runner.stop(10s);
    EXPECT_EQ(calls.load(), 7);
    EXPECT_EQ(count("dead"), 0);
    EXPECT_NE(registry_.render().find("jobs_total{topic=\"t\",outcome=\"deferred\"} 6"),
              std::string::npos);
}

TEST_F(JobRunnerTest, StoppingLetsTheRunningJobFinishAndLeavesTheRestReady) {
    for (int i = 0; i < 5; ++i) await_now(queue_->enqueue({"t", std::to_string(i)}));
    std::promise<void> started;
    std::promise<void> release_it;
    auto release_future = release_it.get_future().share();
    std::atomic<int> finished{0};
    RunnerOptions o = fast();
    o.concurrency = 1;
    JobRunner runner(*queue_, o, metrics_);
    runner.handle("t", [&](const Job&) -> boost::asio::awaitable<void> {
        static std::once_flag once;
        std::call_once(once, [&] { started.set_value(); });
        // Holds the job until the test lets it go, without blocking the loop's
        // other work for long.
        auto executor = co_await boost::asio::this_coro::executor;
        boost::asio::steady_timer timer(executor);
        while (release_future.wait_for(0s) != std::future_status::ready) {
            timer.expires_after(1ms);
            co_await timer.async_wait(boost::asio::use_awaitable);
        }
        ++finished;
    });
    runner.start();
    ASSERT_EQ(started.get_future().wait_for(60s), std::future_status::ready);
    std::thread stopper([&] { runner.stop(30s); });
    // Released once the runner is stopping: released earlier, the job would finish and
    // the runner lease the next one before the stop began.
    auto give_up = std::chrono::steady_clock::now() + 30s;
    while (!runner.stopping() && std::chrono::steady_clock::now() < give_up) {
    }
    release_it.set_value();
    stopper.join();
    EXPECT_EQ(finished.load(), 1);
    EXPECT_EQ(count("leased"), 0);
    EXPECT_EQ(count("ready"), 4);
}

}  // namespace
}  // namespace mindme::queue
