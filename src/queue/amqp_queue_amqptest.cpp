// What the RabbitMQ backend does beyond the conformance suite, on the fixture's
// RabbitMQ and an outbox in PostgreSQL: leases that die with their connection, dead
// letters that keep their error, and jobs that wait in the outbox while RabbitMQ is
// unreachable.
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/await_now.hpp"
#include "queue/amqp_queue.hpp"
#include "store/test_backends.hpp"

namespace mindme::queue {
namespace {

using core::await_now;
using std::chrono::seconds;

std::atomic<std::int64_t> fake_now{1'000'000};
std::int64_t fake_now_ms() { return fake_now.load(); }

class AmqpQueueTest : public ::testing::Test {
protected:
    void SetUp() override {
        backend_ = store::test_backends::postgres_backend();
        db_ = backend_.open();
        static std::atomic<int> serial{0};
        options_.url = parse_amqp_url(store::test_backends::service_url("rabbitmq")).value();
        options_.prefix = "a" + std::to_string(::getpid()) + "_" + std::to_string(++serial);
        options_.retry = RetryPolicy{3, seconds(1), seconds(4)};
        options_.now_ms = &fake_now_ms;
        options_.relay_interval = std::chrono::milliseconds(0);
    }
    void TearDown() override {
        db_.reset();
        backend_.cleanup();
    }

    std::unique_ptr<AmqpJobQueue> open(AmqpQueueOptions options) {
        return make_amqp_queue(*db_, options);
    }

    long long outbox_rows() {
        return db_->run_now([](soci::session& s) {
            long long n = 0;
            s << "SELECT COUNT(*) FROM jobs", soci::into(n);
            return n;
        });
    }

    store::test_backends::Backend backend_;
    std::unique_ptr<store::SqlDatabase> db_;
    AmqpQueueOptions options_;
};

TEST_F(AmqpQueueTest, ALeaseLostWithItsConnectionReturnsWithTheAttemptCounted) {
    auto id = [&] {
        auto dying = open(options_);
        auto enqueued = await_now(dying->enqueue({"t", "x"}));
        EXPECT_EQ(await_now(dying->relay_now()), 1u);
        auto jobs = await_now(dying->lease("t", 1, seconds(600)));
        EXPECT_EQ(jobs.size(), 1u);
        return enqueued;
    }();  // the process holding the lease is gone, and its connection with it
    auto other = open(options_);
    auto jobs = await_now(other->lease("t", 1, seconds(600)));
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].id, id);
    EXPECT_EQ(jobs[0].attempts, 2);
    EXPECT_TRUE(await_now(other->ack(jobs[0])));
}

TEST_F(AmqpQueueTest, ADeadLetterKeepsItsErrorInTheDeadQueue) {
    auto q = open(options_);
    await_now(q->enqueue({"t", "payload"}));
    for (int attempt = 1; attempt <= options_.retry.max_attempts; ++attempt) {
        fake_now += 10'000;  // past any retry's wait in the outbox
        await_now(q->relay_now());
        auto jobs = await_now(q->lease("t", 1, seconds(600)));
        ASSERT_EQ(jobs.size(), 1u) << attempt;
        auto outcome = await_now(q->fail(jobs[0], "boom " + std::to_string(attempt), {}));
        EXPECT_EQ(outcome, attempt < 3 ? FailOutcome::kRetried : FailOutcome::kDead);
    }
    AmqpConnection raw(options_.url, std::chrono::milliseconds(5000));
    auto dead = raw.get(options_.prefix + ".t.dead");
    ASSERT_TRUE(dead);
    EXPECT_EQ(dead->body, "payload");
    EXPECT_EQ(dead->error, "boom 3");
    EXPECT_EQ(dead->attempts, 3);
    EXPECT_EQ(outbox_rows(), 0);
}

TEST_F(AmqpQueueTest, JobsWaitInTheOutboxWhileRabbitMqIsUnreachable) {
    auto unreachable = options_;
    unreachable.url.port = 1;  // nothing listens there
    auto down = open(unreachable);
    await_now(down->enqueue({"t", "written while down"}));
    EXPECT_THROW(await_now(down->relay_now()), AmqpError);
    EXPECT_THROW(await_now(down->lease("t", 1, seconds(60))), AmqpError);
    EXPECT_EQ(outbox_rows(), 1);
    // RabbitMQ is back (here: a process that reaches it).
    auto up = open(options_);
    EXPECT_EQ(await_now(up->relay_now()), 1u);
    EXPECT_EQ(outbox_rows(), 0);
    auto jobs = await_now(up->lease("t", 1, seconds(60)));
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].payload, "written while down");
    EXPECT_EQ(jobs[0].attempts, 1);
}

}  // namespace
}  // namespace mindme::queue
