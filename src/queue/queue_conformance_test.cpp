// The JobQueue conformance suite: what every backend must do, on the SQL queue (SQLite in
// the unit tier; PostgreSQL, PostgreSQL through PgBouncer and MariaDB in the service
// tier) and on RabbitMQ fed by a PostgreSQL outbox (service tier). `advance` moves the
// backend's clock; `settle` runs the RabbitMQ backend's relay once, where the background
// relay would.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <unistd.h>

#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "core/await_now.hpp"
#include "core/test_services.hpp"
#include "queue/amqp_queue.hpp"
#include "queue/sql_queue.hpp"
#include "store/outbox.hpp"
#include "store/test_backends.hpp"

namespace mindme::queue {
namespace {

using core::await_now;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::atomic<std::int64_t> fake_now{1'000'000};
std::int64_t fake_now_ms() { return fake_now.load(); }

struct Backend {
    std::shared_ptr<void> keep;  // what the queue runs on
    std::unique_ptr<JobQueue> queue;
    std::function<void(milliseconds)> advance;
    // Enqueues in a transaction that commits or rolls back (the outbox).
    std::function<void(const JobSpec&, bool commit)> enqueue_in_transaction;
    std::function<void()> settle = [] {};
};

RetryPolicy test_policy() { return {3, milliseconds(1000), milliseconds(8000)}; }

// A queue made by `make` on one of the store's databases, which is also the outbox.
Backend backend_on(store::test_backends::Backend factory,
                   const std::function<std::unique_ptr<JobQueue>(store::SqlDatabase&)>& make) {
    std::shared_ptr<store::SqlDatabase> db = factory.open();
    Backend b;
    b.queue = make(*db);
    b.advance = [](milliseconds d) { fake_now += d.count(); };
    b.enqueue_in_transaction = [db = db.get()](const JobSpec& spec, bool commit) {
        db->run_now([&](soci::session& s) {
            store::SqlDatabase::WriteTransaction tx(*db, s);
            store::add_job(s, {spec.topic, spec.payload, spec.delay.count()}, fake_now_ms());
            if (commit) tx.commit();
        });
    };
    b.keep = std::shared_ptr<void>(nullptr, [db, cleanup = factory.cleanup](void*) mutable {
        db.reset();
        cleanup();
    });
    return b;
}

Backend sql_backend_on(store::test_backends::Backend factory) {
    return backend_on(std::move(factory), [](store::SqlDatabase& db) {
        SqlQueueOptions o;
        o.retry = test_policy();
        o.now_ms = &fake_now_ms;
        return make_sql_queue(db, o);
    });
}

// RabbitMQ of the `databases` fixture, with the outbox in PostgreSQL; exchanges and
// queues under a prefix of this instance's own.
Backend amqp_queue() {
    static std::atomic<int> serial{0};
    AmqpQueueOptions o;
    o.url = parse_amqp_url(store::test_backends::service_url("rabbitmq")).value();
    o.prefix = "t" + std::to_string(::getpid()) + "_" + std::to_string(++serial);
    o.retry = test_policy();
    o.now_ms = &fake_now_ms;
    o.relay_interval = milliseconds(0);  // the test relays, through `settle`
    AmqpJobQueue* amqp = nullptr;
    auto b = backend_on(store::test_backends::postgres_backend(), [&](store::SqlDatabase& db) {
        auto q = make_amqp_queue(db, o);
        amqp = q.get();
        return std::unique_ptr<JobQueue>(std::move(q));
    });
    b.settle = [amqp] { await_now(amqp->relay_now()); };
    return b;
}

Backend sqlite_queue() { return sql_backend_on(store::test_backends::sqlite_backend()); }
Backend postgres_queue() { return sql_backend_on(store::test_backends::postgres_backend()); }
Backend pgbouncer_queue() { return sql_backend_on(store::test_backends::pgbouncer_backend()); }
Backend mariadb_queue() { return sql_backend_on(store::test_backends::mariadb_backend()); }

class QueueConformance : public ::testing::TestWithParam<Backend (*)()> {
protected:
    void SetUp() override { b_ = GetParam()(); }
    void TearDown() override {
        b_.queue.reset();
        b_.keep.reset();
    }
    JobQueue& q() { return *b_.queue; }
    std::string enqueue(const std::string& topic, const std::string& payload,
                        milliseconds delay = milliseconds(0)) {
        return await_now(q().enqueue(JobSpec{topic, payload, delay}));
    }
    std::vector<Job> lease(const std::string& topic, std::size_t max = 10,
                           seconds visibility = seconds(30)) {
        b_.settle();
        return await_now(q().lease(topic, max, visibility));
    }
    TopicStats stats_of(const std::string& topic) {
        for (auto& t : await_now(q().stats()))
            if (t.topic == topic) return t;
        return TopicStats{topic};
    }

    Backend b_;
};

TEST_P(QueueConformance, AJobIsLeasedOnceThenAckedAway) {
    auto id = enqueue("mail", R"({"to":"ann"})");
    auto jobs = lease("mail");
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].id, id);
    EXPECT_EQ(jobs[0].payload, R"({"to":"ann"})");
    EXPECT_EQ(jobs[0].attempts, 1);
    EXPECT_TRUE(lease("mail").empty());  // invisible while leased
    EXPECT_EQ(stats_of("mail").leased, 1);
    EXPECT_TRUE(await_now(q().ack(jobs[0])));
    b_.advance(seconds(3600));
    EXPECT_TRUE(lease("mail").empty());
    auto s = stats_of("mail");
    EXPECT_EQ(s.ready + s.leased + s.dead, 0);
}

TEST_P(QueueConformance, TopicsAreSeparateAndDepthAndAgeAreReported) {
    enqueue("a", "1");
    b_.advance(seconds(5));
    enqueue("a", "2");
    enqueue("b", "3");
    auto a = stats_of("a");
    EXPECT_EQ(a.ready, 2);
    EXPECT_DOUBLE_EQ(a.oldest_ready_age_seconds, 5.0);
    EXPECT_EQ(stats_of("b").ready, 1);
    EXPECT_EQ(lease("b").size(), 1u);
    auto jobs = lease("a", 1);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].payload, "1");  // oldest first
}

TEST_P(QueueConformance, ADelayedJobWaitsItsTurn) {
    enqueue("later", "x", milliseconds(5000));
    EXPECT_TRUE(lease("later").empty());
    b_.advance(milliseconds(5000));
    EXPECT_EQ(lease("later").size(), 1u);
}

TEST_P(QueueConformance, AnExpiredLeaseIsTakenOverAndTheOldHolderCannotFinishIt) {
    enqueue("t", "x");
    auto first = lease("t", 1, seconds(10));
    ASSERT_EQ(first.size(), 1u);
    b_.advance(seconds(11));
    auto second = lease("t", 1, seconds(10));
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].id, first[0].id);
    EXPECT_EQ(second[0].attempts, 2);
    EXPECT_FALSE(await_now(q().ack(first[0])));
    EXPECT_EQ(await_now(q().fail(first[0], "late", {})), FailOutcome::kLost);
    EXPECT_TRUE(await_now(q().ack(second[0])));
}

TEST_P(QueueConformance, FailuresRetryWithGrowingBackoffThenGoToTheDeadLetter) {
    enqueue("t", "x");
    auto policy = test_policy();
    for (int attempt = 1; attempt <= policy.max_attempts; ++attempt) {
        auto jobs = lease("t");
        ASSERT_EQ(jobs.size(), 1u) << attempt;
        EXPECT_EQ(jobs[0].attempts, attempt);
        auto outcome = await_now(q().fail(jobs[0], "boom " + std::to_string(attempt), {}));
        if (attempt < policy.max_attempts) {
            EXPECT_EQ(outcome, FailOutcome::kRetried);
            // Not before half the exponential wait; surely after all of it.
            auto wait = std::min(policy.base * (1 << (attempt - 1)), policy.cap);
            b_.advance(wait / 2 - milliseconds(1));
            EXPECT_TRUE(lease("t").empty()) << attempt;
            b_.advance(wait / 2 + milliseconds(1));
        } else {
            EXPECT_EQ(outcome, FailOutcome::kDead);
        }
    }
    b_.advance(seconds(3600));
    EXPECT_TRUE(lease("t").empty());
    EXPECT_EQ(stats_of("t").dead, 1);
}

TEST_P(QueueConformance, AHintDelaysTheRetryOrEndsTheJob) {
    enqueue("t", "later");
    auto jobs = lease("t");
    ASSERT_EQ(jobs.size(), 1u);
    // A quota's minute, far past the first backoff.
    EXPECT_EQ(await_now(q().fail(jobs[0], "quota", {seconds(60), false})), FailOutcome::kRetried);
    b_.advance(seconds(59));
    EXPECT_TRUE(lease("t").empty());
    b_.advance(seconds(2));
    jobs = lease("t");
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].attempts, 2);
    EXPECT_EQ(await_now(q().fail(jobs[0], "the message is invalid", {milliseconds(0), true})),
              FailOutcome::kDead);
    b_.advance(seconds(3600));
    EXPECT_TRUE(lease("t").empty());
    EXPECT_EQ(stats_of("t").dead, 1);
}

TEST_P(QueueConformance, AJobWhoseWorkerKeepsDyingGoesToTheDeadLetter) {
    enqueue("t", "x");
    for (int attempt = 1; attempt <= test_policy().max_attempts; ++attempt) {
        ASSERT_EQ(lease("t", 1, seconds(10)).size(), 1u) << attempt;
        b_.advance(seconds(11));  // the worker died: the lease runs out
    }
    EXPECT_TRUE(lease("t").empty());
    EXPECT_EQ(stats_of("t").dead, 1);
}

TEST_P(QueueConformance, AReleasedJobReturnsAtOnceWithoutSpendingAnAttempt) {
    enqueue("t", "x");
    auto jobs = lease("t");
    ASSERT_EQ(jobs.size(), 1u);
    await_now(q().release(jobs[0]));
    auto again = lease("t");
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].attempts, 1);
    EXPECT_FALSE(await_now(q().ack(jobs[0])));  // the old lease is void
    EXPECT_TRUE(await_now(q().ack(again[0])));
}

TEST_P(QueueConformance, AJobEnqueuedInATransactionExistsOnlyIfItCommits) {
    b_.enqueue_in_transaction(JobSpec{"outbox", "rolled back"}, false);
    b_.enqueue_in_transaction(JobSpec{"outbox", "committed"}, true);
    auto jobs = lease("outbox");
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].payload, "committed");
    EXPECT_THROW(b_.enqueue_in_transaction(JobSpec{"", "no topic"}, true), std::invalid_argument);
}

TEST_P(QueueConformance, ConcurrentWorkersNeverShareAJob) {
    constexpr int kJobs = 200;
    for (int i = 0; i < kJobs; ++i) enqueue("many", std::to_string(i));
    b_.settle();
    std::mutex mutex;
    std::multiset<std::string> done;
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w)
        workers.emplace_back([&] {
            for (int round = 0; round < kJobs; ++round) {
                auto jobs = await_now(q().lease("many", 3, seconds(600)));
                if (jobs.empty()) break;
                for (auto& j : jobs) {
                    ASSERT_TRUE(await_now(q().ack(j)));
                    std::lock_guard lock(mutex);
                    done.insert(j.payload);
                }
            }
        });
    for (auto& t : workers) t.join();
    EXPECT_EQ(done.size(), static_cast<std::size_t>(kJobs));
    for (const auto& p : done) EXPECT_EQ(done.count(p), 1u) << p;
}

INSTANTIATE_TEST_SUITE_P(All, QueueConformance,
                         ::testing::ValuesIn(core::tier_backends<Backend (*)()>(
                             {&sqlite_queue},
                             {&postgres_queue, &pgbouncer_queue, &mariadb_queue, &amqp_queue})),
                         [](const auto& named) {
                             if (named.param == &sqlite_queue) return std::string("sqlite");
                             if (named.param == &postgres_queue) return std::string("postgresql");
                             if (named.param == &pgbouncer_queue) return std::string("pgbouncer");
                             if (named.param == &amqp_queue) return std::string("rabbitmq");
                             return std::string("mariadb");
                         });

}  // namespace
}  // namespace mindme::queue
