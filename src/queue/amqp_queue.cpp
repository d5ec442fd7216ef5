// JobQueue on RabbitMQ, fed by the outbox (amqp_queue.hpp says how). One connection per
// process, used under a mutex from a one-thread pool (leases, acks) and from the relay
// thread (publishing). A call that fails drops the connection — and with it every lease
// this process held, which RabbitMQ requeues — and for a second no call is tried.
#include "queue/amqp_queue.hpp"

#include <soci/soci.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <type_traits>

#include "core/blocking_pool.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "queue/outbox_enqueue.hpp"
#include "queue/outbox_relay.hpp"
#include "store/outbox.hpp"
#include "store/sql_database.hpp"
#include "store/sql_statements.hpp"

namespace mindme::queue {

namespace {

constexpr std::size_t kTokenBytes = 16;
constexpr std::size_t kMaxErrorBytes = 2000;
constexpr auto kPauseAfterFailure = std::chrono::seconds(1);

// A delivery this process holds: a lease.
struct Held {
    std::uint64_t tag = 0;
    std::int64_t until_ms = 0;
    Job job;
};

class AmqpQueue final : public AmqpJobQueue {
public:
    AmqpQueue(store::SqlDatabase& db, const AmqpQueueOptions& options)
        : db_(db),
          options_(options),
          now_ms_(options.now_ms ? options.now_ms : &core::now_ms),
          pool_("amqp", 1, options.max_waiting) {
        if (options_.relay_interval.count() > 0)
            relay_thread_ = std::thread([this] { relay_loop(); });
    }

    ~AmqpQueue() override {
        {
            std::lock_guard lock(stop_mutex_);
            stopping_ = true;
        }
        stop_cv_.notify_all();
        if (relay_thread_.joinable()) relay_thread_.join();
    }

    boost::asio::awaitable<std::string> enqueue(JobSpec spec) override {
        co_return co_await enqueue_in_outbox(db_, std::move(spec), now_ms_());
    }

    boost::asio::awaitable<std::vector<Job>> lease(std::string topic, std::size_t max,
                                                   std::chrono::seconds visibility) override {
        co_return co_await pool_.run([&] {
            return with_connection([&](AmqpConnection& c) {
                auto now = now_ms_();
                return_expired(c, now);
                ensure_topic(c, topic);
                std::vector<Job> leased;
                // Bounded: a redelivered message is put back once, as a copy.
                for (std::size_t gets = 0; leased.size() < max && gets < 2 * max + 1; ++gets) {
                    auto d = c.get(queue_name(topic));
                    if (!d) break;
                    Job job{d->message_id,   topic,
                            d->body,         static_cast<int>(d->attempts + 1),
                            d->timestamp_ms, core::random_id(kTokenBytes)};
                    if (d->redelivered) {
                        // Its holder lost its connection (a worker that died): that
                        // attempt counts. RabbitMQ only says "redelivered", not how often,
                        // so the count goes into a copy, which then waits its turn.
                        c.publish_confirmed({outgoing(job, exchange("jobs"), job.attempts, {})});
                        c.ack(d->tag);
                        continue;
                    }
                    if (job.attempts > options_.retry.max_attempts) {
                        // Its last lease ran out: the worker died on it every time.
                        job.attempts -= 1;
                        bury(c, job, d->tag, "lease expired on the last attempt");
                        continue;
                    }
                    auto until = now + std::chrono::milliseconds(visibility).count();
                    held_[job.lease_token] = Held{d->tag, until, job};
                    leased.push_back(std::move(job));
                }
                return leased;
            });
        });
    }

    boost::asio::awaitable<bool> ack(Job job) override {
        co_return co_await pool_.run(
            [&] { return with_connection([&](AmqpConnection& c) { return settle(c, job); }); });
    }

    boost::asio::awaitable<FailOutcome> fail(Job job, std::string error, RetryHint hint) override {
        if (error.size() > kMaxErrorBytes) error.resize(kMaxErrorBytes);
        if (!holds(job)) co_return FailOutcome::kLost;
        if (hint.permanent || job.attempts >= options_.retry.max_attempts) {
            co_return co_await pool_.run([&] {
                return with_connection([&](AmqpConnection& c) {
                    auto held = held_.find(job.lease_token);
                    if (held == held_.end()) return FailOutcome::kLost;
                    bury(c, job, held->second.tag, error);
                    held_.erase(held);
                    return FailOutcome::kDead;
                });
            });
        }
        // The retry waits in the outbox, which the relay publishes when it is due. Written
        // before the ack, so a crash in between runs the job twice rather than never.
        store::ReturningJob back{job.id,
                                 job.topic,
                                 job.payload,
                                 job.attempts,
                                 job.enqueued_at_ms,
                                 now_ms_() + retry_wait(options_.retry, job.attempts, hint).count(),
                                 error};
        co_await db_.run([&](soci::session& s) {
            store::SqlDatabase::WriteTransaction tx(db_, s);
            store::put_back_job(s, back);
            tx.commit();
        });
        co_await pool_.run(
            [&] { return with_connection([&](AmqpConnection& c) { return settle(c, job); }); });
        co_return FailOutcome::kRetried;
    }

    boost::asio::awaitable<void> release(Job job) override {
        co_await pool_.run([&] {
            return with_connection([&](AmqpConnection& c) {
                auto held = held_.find(job.lease_token);
                if (held == held_.end()) return false;
                // A copy that has spent one attempt less: this one does not count.
                auto copy = outgoing(job, exchange("jobs"), job.attempts - 1, {});
                c.publish_confirmed({copy});
                c.ack(held->second.tag);
                held_.erase(held);
                return true;
            });
        });
    }

    boost::asio::awaitable<std::vector<TopicStats>> stats() override {
        auto now = now_ms_();
        // The outbox: jobs not yet relayed, and retries waiting for their turn.
        std::map<std::string, TopicStats> by_topic;
        co_await db_.run([&](soci::session& s) {
            std::string topic, state;
            long long count = 0;
            std::int64_t oldest = 0;
            soci::statement st = store::detail::statement(
                s,
                "SELECT topic, state, COUNT(*), MIN(enqueued_at) FROM jobs GROUP BY topic, state",
                soci::into(topic), soci::into(state), soci::into(count), soci::into(oldest));
            st.execute(false);
            while (st.fetch()) {
                auto& t = by_topic.try_emplace(topic, TopicStats{topic}).first->second;
                if (state == "dead") {
                    t.dead += count;
                } else {
                    t.ready += count;
                    auto age = static_cast<double>(now - oldest) / 1000.0;
                    t.oldest_ready_age_seconds = std::max(t.oldest_ready_age_seconds, age);
                }
            }
        });
        co_return co_await pool_.run([&] {
            return with_connection([&](AmqpConnection& c) {
                for (const auto& topic : declared_) by_topic.try_emplace(topic, TopicStats{topic});
                for (auto& [topic, t] : by_topic) {
                    auto [ready, dead] = declare_queues(c, topic);
                    bind_once(c, topic);
                    t.ready += ready;
                    t.dead += dead;
                }
                for (const auto& [token, held] : held_) by_topic[held.job.topic].leased += 1;
                std::vector<TopicStats> out;
                for (auto& [topic, t] : by_topic) out.push_back(std::move(t));
                return out;
            });
        });
    }

    boost::asio::awaitable<std::size_t> relay_now() override {
        co_return co_await pool_.run([this] { return relay_once(); });
    }

    const char* backend() const override { return "amqp"; }

private:
    std::string exchange(const char* kind) const { return options_.prefix + "." + kind; }
    std::string queue_name(const std::string& topic) const { return options_.prefix + "." + topic; }
    std::string dead_queue_name(const std::string& topic) const {
        return queue_name(topic) + ".dead";
    }

    AmqpOutgoing outgoing(const Job& job, std::string to, std::int64_t attempts,
                          std::string error) const {
        return AmqpOutgoing{std::move(to),      job.topic, job.payload,     job.id,
                            job.enqueued_at_ms, attempts,  std::move(error)};
    }

    // Runs f on the connection (opened if need be); a failure drops the connection and
    // every lease on it, and pauses calls for a second.
    template <class F>
    std::invoke_result_t<F, AmqpConnection&> with_connection(F f) {
        std::lock_guard lock(mutex_);
        if (!connection_) {
            if (std::chrono::steady_clock::now() < paused_until_)
                throw AmqpError("RabbitMQ: unreachable a moment ago; not retried yet");
            try {
                connection_ = std::make_unique<AmqpConnection>(options_.url, options_.timeout);
            } catch (const AmqpError& e) {
                went_down(e);
                throw;
            }
            if (down_) {
                down_ = false;
                core::log::info("RabbitMQ reachable again", core::log::Fields());
            }
        }
        try {
            return f(*connection_);
        } catch (const AmqpError& e) {
            connection_.reset();
            declared_.clear();
            exchanges_declared_ = false;
            held_.clear();  // RabbitMQ requeues them with the connection
            went_down(e);
            throw;
        }
    }

    // Said once per outage; calls fail fast for a second after each failure.
    void went_down(const AmqpError& e) {
        paused_until_ = std::chrono::steady_clock::now() + kPauseAfterFailure;
        if (down_) return;
        down_ = true;
        core::log::warn("RabbitMQ unreachable", core::log::Fields().add("error", e.what()));
    }

    // Acks the delivery behind the job's lease; false when this process no longer
    // holds it (its visibility ran out, or the connection it came on is gone).
    bool settle(AmqpConnection& c, const Job& job) {
        auto held = held_.find(job.lease_token);
        if (held == held_.end()) return false;
        c.ack(held->second.tag);
        held_.erase(held);
        return true;
    }

    bool holds(const Job& job) {
        std::lock_guard lock(mutex_);
        return held_.count(job.lease_token) > 0;
    }

    // Declares the topic's exchanges, queues and bindings, once per connection.
    void ensure_topic(AmqpConnection& c, const std::string& topic) {
        if (declared_.count(topic)) return;
        declare_queues(c, topic);
        bind_once(c, topic);
    }

    void bind_once(AmqpConnection& c, const std::string& topic) {
        if (!declared_.insert(topic).second) return;
        c.bind(queue_name(topic), exchange("jobs"), topic);
        c.bind(dead_queue_name(topic), exchange("dead"), topic);
    }

    // Declaring a queue again is how AMQP tells its depth: {ready, dead} messages.
    std::pair<std::int64_t, std::int64_t> declare_queues(AmqpConnection& c,
                                                         const std::string& topic) {
        if (!exchanges_declared_) {
            c.declare_exchange(exchange("jobs"));
            c.declare_exchange(exchange("dead"));
            exchanges_declared_ = true;
        }
        auto ready =
            c.declare_queue(queue_name(topic), {{"x-dead-letter-exchange", exchange("dead")}});
        auto dead = c.declare_queue(dead_queue_name(topic), {});
        return {ready, dead};
    }

    // The dead letter: published (confirmed) before the ack, so it is never lost.
    void bury(AmqpConnection& c, const Job& job, std::uint64_t tag, const std::string& error) {
        c.publish_confirmed({outgoing(job, exchange("dead"), job.attempts, error)});
        c.ack(tag);
    }

    // Leases whose visibility ran out go back to their queue for another worker, as a
    // copy that counts the attempt (a requeue's own delivery count is the broker's to
    // keep, and differs between RabbitMQ versions).
    void return_expired(AmqpConnection& c, std::int64_t now) {
        for (auto it = held_.begin(); it != held_.end();) {
            if (it->second.until_ms > now) {
                ++it;
                continue;
            }
            const auto& job = it->second.job;
            c.publish_confirmed({outgoing(job, exchange("jobs"), job.attempts, {})});
            c.ack(it->second.tag);
            it = held_.erase(it);
        }
    }

    std::size_t relay_once() {
        // A claim outlives any publish (connect + publish + confirms each bounded by
        // the timeout).
        return relay_due_jobs(db_, now_ms_(), options_.relay_batch, 4 * options_.timeout,
                              [this](const std::vector<OutboxRow>& rows) {
                                  with_connection([&](AmqpConnection& c) {
                                      std::vector<AmqpOutgoing> out;
                                      for (const auto& r : rows) {
                                          ensure_topic(c, r.topic);
                                          out.push_back(AmqpOutgoing{exchange("jobs"),
                                                                     r.topic,
                                                                     r.payload,
                                                                     r.id,
                                                                     r.enqueued_at_ms,
                                                                     r.attempts,
                                                                     {}});
                                      }
                                      c.publish_confirmed(out);
                                      return true;
                                  });
                              });
    }

    void relay_loop() {
        bool relay_failing = false;  // the database failed it: said once
        std::unique_lock stop_lock(stop_mutex_);
        while (!stopping_) {
            stop_lock.unlock();
            std::size_t relayed = 0;
            try {
                relayed = relay_once();
                relay_failing = false;
            } catch (const AmqpError&) {
                // with_connection said so.
            } catch (const std::exception& e) {
                if (!relay_failing)
                    core::log::warn("outbox relay failed",
                                    core::log::Fields().add("error", e.what()));
                relay_failing = true;
            }
            stop_lock.lock();
            // A full batch: more may be due at once.
            if (relayed < options_.relay_batch)
                stop_cv_.wait_for(stop_lock, options_.relay_interval, [this] { return stopping_; });
        }
    }

    store::SqlDatabase& db_;
    AmqpQueueOptions options_;
    std::int64_t (*now_ms_)();
    core::BlockingPool pool_;

    std::mutex mutex_;  // the connection and everything below
    std::unique_ptr<AmqpConnection> connection_;
    std::chrono::steady_clock::time_point paused_until_{};
    bool exchanges_declared_ = false;
    bool down_ = false;
    std::set<std::string> declared_;
    std::map<std::string, Held> held_;  // by lease token

    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    std::thread relay_thread_;
};

}  // namespace

std::unique_ptr<AmqpJobQueue> make_amqp_queue(store::SqlDatabase& db,
                                              const AmqpQueueOptions& options) {
    return std::make_unique<AmqpQueue>(db, options);
}

}  // namespace mindme::queue
