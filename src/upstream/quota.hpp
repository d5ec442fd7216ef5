#pragma once
// A bound on calls in flight to an upstream that has a concurrency quota (Bedrock's), with
// a FIFO queue in front: past the bound a caller waits its turn, first come first served,
// on whatever event loop it runs; past the queue's length it is refused at once (429), and
// a wait past the queue timeout gives up (503), each with Retry-After. A Hold is the slot:
// released when it goes, passed straight to the next waiter.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

namespace mindme::upstream {

class Quota {
public:
    Quota(std::size_t limit, std::size_t queue_size, std::chrono::milliseconds queue_timeout);
    Quota(const Quota&) = delete;
    Quota& operator=(const Quota&) = delete;

    class Hold {
    public:
        Hold() = default;
        explicit Hold(Quota* quota) : quota_(quota) {}
        Hold(Hold&& other) noexcept : quota_(other.quota_) { other.quota_ = nullptr; }
        Hold& operator=(Hold&& other) noexcept;
        ~Hold();
        explicit operator bool() const { return quota_ != nullptr; }

    private:
        Quota* quota_ = nullptr;
    };

    // A slot; ApiError 429 rate_limited when the queue is full, 503 unavailable when the
    // wait passed the queue timeout (both with Retry-After).
    boost::asio::awaitable<Hold> acquire();

    std::size_t in_flight() const;
    std::size_t queued() const;
    std::size_t limit() const { return limit_; }

private:
    struct Waiter;
    void release();

    const std::size_t limit_;
    const std::size_t queue_size_;
    const std::chrono::milliseconds queue_timeout_;
    mutable std::mutex mutex_;
    std::size_t active_ = 0;
    std::deque<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace mindme::upstream
