#include "upstream/answer_cache.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <vector>

#include "metrics/registry.hpp"

namespace mindme::upstream {

namespace asio = boost::asio;

// One upstream call that identical requests wait for, each on its own executor.
struct AnswerCache::Flight {
    struct Waiter {
        asio::any_io_executor executor;
        std::shared_ptr<asio::steady_timer> done;
    };
    std::vector<Waiter> waiters;
    std::optional<std::string> text;
    std::exception_ptr error;
};

AnswerCache::AnswerCache(std::size_t max_entries, std::chrono::seconds ttl,
                         metrics::Registry& registry, const std::string& upstream)
    : max_entries_(max_entries),
      ttl_(ttl),
      hits_(registry
                .counter_family("gateway_cache_hits_total", "Answers served from the cache.",
                                {"upstream"})
                .with({upstream})),
      misses_(registry
                  .counter_family("gateway_cache_misses_total",
                                  "Answers that needed an upstream call.", {"upstream"})
                  .with({upstream})),
      coalesced_(registry
                     .counter_family("gateway_cache_coalesced_total",
                                     "Answers shared from an identical call already in flight.",
                                     {"upstream"})
                     .with({upstream})) {}

AnswerCache::~AnswerCache() = default;

std::size_t AnswerCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void AnswerCache::remember(const std::string& key, const std::string& text) {
    if (ttl_.count() == 0 || max_entries_ == 0) return;
    if (auto it = entries_.find(key); it != entries_.end()) {
        recency_.erase(it->second.recency);
        entries_.erase(it);
    }
    recency_.push_front(key);
    entries_[key] = Entry{text, std::chrono::steady_clock::now() + ttl_, recency_.begin()};
    while (entries_.size() > max_entries_) {
        entries_.erase(recency_.back());
        recency_.pop_back();
    }
}

asio::awaitable<AnswerCache::Answer> AnswerCache::get(std::string key, Produce produce) {
    auto executor = co_await asio::this_coro::executor;
    std::shared_ptr<Flight> flight;
    std::shared_ptr<asio::steady_timer> done;
    {
        std::lock_guard lock(mutex_);
        if (auto it = entries_.find(key); it != entries_.end()) {
            if (std::chrono::steady_clock::now() < it->second.expires) {
                recency_.splice(recency_.begin(), recency_, it->second.recency);
                hits_.inc();
                co_return Answer{it->second.text, true};
            }
            recency_.erase(it->second.recency);
            entries_.erase(it);
        }
        if (auto it = flights_.find(key); it != flights_.end()) {
            flight = it->second;
            done = std::make_shared<asio::steady_timer>(executor,
                                                        asio::steady_timer::time_point::max());
            flight->waiters.push_back({executor, done});
            coalesced_.inc();
        } else {
            flight = std::make_shared<Flight>();
            flights_[key] = flight;
            misses_.inc();
        }
    }
    if (done) {
        co_await done->async_wait(asio::as_tuple(asio::use_awaitable));
        if (flight->error) std::rethrow_exception(flight->error);
        co_return Answer{*flight->text, true};
    }
    std::optional<std::string> text;
    bool keep = false;
    std::exception_ptr error;
    try {
        auto produced = co_await produce();
        text = std::move(produced.text);
        keep = produced.keep;
    } catch (...) {
        error = std::current_exception();
    }
    std::vector<Flight::Waiter> waiters;
    {
        std::lock_guard lock(mutex_);
        flight->text = text;
        flight->error = error;
        waiters = std::move(flight->waiters);
        flights_.erase(key);
        if (text && keep) remember(key, *text);
    }
    for (auto& w : waiters) asio::post(w.executor, [done = w.done] { done->cancel(); });
    if (error) std::rethrow_exception(error);
    co_return Answer{*text, false};
}

}  // namespace mindme::upstream
