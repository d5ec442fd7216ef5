// JobQueue on the store's `jobs` table. Every state change is one UPDATE guarded by
// the lease token, so a worker whose lease expired and was taken over cannot ack,
// fail or release the new holder's lease.
#include "queue/sql_queue.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "queue/outbox_enqueue.hpp"
#include "store/sql_database.hpp"
#include "store/sql_statements.hpp"

namespace mindme::queue {

namespace {

constexpr std::size_t kTokenBytes = 16;
constexpr std::size_t kMaxErrorBytes = 2000;

long long run_update(soci::statement& st) {
    st.execute(true);
    return st.get_affected_rows();
}

}  // namespace

namespace {

class SqlQueue final : public JobQueue {
public:
    SqlQueue(store::SqlDatabase& db, const SqlQueueOptions& options)
        : db_(db),
          retry_(options.retry),
          now_ms_(options.now_ms ? options.now_ms : &core::now_ms) {}

    boost::asio::awaitable<std::string> enqueue(JobSpec spec) override {
        co_return co_await enqueue_in_outbox(db_, std::move(spec), now_ms_());
    }

    boost::asio::awaitable<std::vector<Job>> lease(std::string topic, std::size_t max,
                                                   std::chrono::seconds visibility) override {
        auto now = now_ms_();
        std::int64_t until =
            now + std::chrono::duration_cast<std::chrono::milliseconds>(visibility).count();
        co_return co_await db_.run([&](soci::session& s) {
            std::vector<Job> leased;
            store::SqlDatabase::WriteTransaction tx(db_, s);
            // Due: ready and past run_at, or leased and past its lease (run_at holds
            // the lease's end while leased), or claimed by a RabbitMQ relay that is gone
            // (queue.url was amqp:// before).
            std::vector<Job> due;
            {
                Job j;
                int limit = static_cast<int>(max);
                std::string sql =
                    "SELECT id, payload, attempts, enqueued_at FROM jobs "
                    "WHERE topic = :t AND state IN ('ready', 'leased', 'relaying') "
                    "AND run_at <= :n "
                    "ORDER BY run_at LIMIT :m";
                sql += db_.claim_rows_clause();
                soci::statement st = store::detail::statement(
                    s, sql, soci::use(topic), soci::use(now), soci::use(limit), soci::into(j.id),
                    soci::into(j.payload), soci::into(j.attempts), soci::into(j.enqueued_at_ms));
                st.execute(false);
                while (st.fetch()) due.push_back(j);
            }
            for (auto& j : due) {
                j.topic = topic;
                if (j.attempts >= retry_.max_attempts) {
                    // Its last lease expired: the worker died on it every time.
                    std::string reason = "lease expired on the last attempt";
                    s << "UPDATE jobs SET state = 'dead', lease_token = NULL, last_error = :e "
                         "WHERE id = :i",
                        soci::use(reason), soci::use(j.id);
                    continue;
                }
                j.attempts += 1;
                j.lease_token = core::random_id(kTokenBytes);
                s << "UPDATE jobs SET state = 'leased', attempts = :a, run_at = :u, "
                     "lease_token = :k WHERE id = :i",
                    soci::use(j.attempts), soci::use(until), soci::use(j.lease_token),
                    soci::use(j.id);
                leased.push_back(std::move(j));
            }
            tx.commit();
            return leased;
        });
    }

    boost::asio::awaitable<bool> ack(Job job) override {
        co_return co_await db_.run([&](soci::session& s) {
            soci::statement st =
                store::detail::statement(s, "DELETE FROM jobs WHERE id = :i AND lease_token = :k",
                                         soci::use(job.id), soci::use(job.lease_token));
            return run_update(st) > 0;
        });
    }

    boost::asio::awaitable<FailOutcome> fail(Job job, std::string error, RetryHint hint) override {
        if (error.size() > kMaxErrorBytes) error.resize(kMaxErrorBytes);
        bool dead = hint.permanent || job.attempts >= retry_.max_attempts;
        std::int64_t run_at = now_ms_() + retry_wait(retry_, job.attempts, hint).count();
        co_return co_await db_.run([&](soci::session& s) {
            std::string state = dead ? "dead" : "ready";
            soci::statement st = store::detail::statement(
                s,
                "UPDATE jobs SET state = :s, run_at = :r, lease_token = NULL, "
                "last_error = :e WHERE id = :i AND lease_token = :k",
                soci::use(state), soci::use(run_at), soci::use(error), soci::use(job.id),
                soci::use(job.lease_token));
            if (run_update(st) == 0) return FailOutcome::kLost;
            return dead ? FailOutcome::kDead : FailOutcome::kRetried;
        });
    }

    boost::asio::awaitable<void> release(Job job) override {
        auto now = now_ms_();
        co_await db_.run([&](soci::session& s) {
            s << "UPDATE jobs SET state = 'ready', attempts = attempts - 1, run_at = :r, "
                 "lease_token = NULL WHERE id = :i AND lease_token = :k",
                soci::use(now), soci::use(job.id), soci::use(job.lease_token);
        });
    }

    boost::asio::awaitable<std::vector<TopicStats>> stats() override {
        auto now = now_ms_();
        co_return co_await db_.run([&](soci::session& s) {
            std::vector<TopicStats> out;
            std::string topic, state;
            long long count = 0;
            std::int64_t oldest = 0;
            soci::statement st = store::detail::statement(
                s,
                "SELECT topic, state, COUNT(*), MIN(enqueued_at) FROM jobs "
                "GROUP BY topic, state ORDER BY topic",
                soci::into(topic), soci::into(state), soci::into(count), soci::into(oldest));
            st.execute(false);
            while (st.fetch()) {
                if (out.empty() || out.back().topic != topic) out.push_back(TopicStats{topic});
                auto& t = out.back();
                if (state == "ready" || state == "relaying") {
                    t.ready += count;
                    auto age = static_cast<double>(now - oldest) / 1000.0;
                    t.oldest_ready_age_seconds = std::max(t.oldest_ready_age_seconds, age);
                } else if (state == "leased") {
                    t.leased = count;
                } else {
                    t.dead = count;
                }
            }
            return out;
        });
    }

    const char* backend() const override { return "sql"; }

private:
    store::SqlDatabase& db_;
    RetryPolicy retry_;
    std::int64_t (*now_ms_)();
};

}  // namespace

std::unique_ptr<JobQueue> make_sql_queue(store::SqlDatabase& db, const SqlQueueOptions& options) {
    return std::make_unique<SqlQueue>(db, options);
}

}  // namespace mindme::queue
