#include "upstream/quota.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/errors.hpp"

namespace mindme::upstream {

namespace asio = boost::asio;

// A caller waiting for a slot: woken on its own executor when one is passed to it
// (granted) or when its timer runs out.
struct Quota::Waiter {
    asio::any_io_executor executor;
    std::shared_ptr<asio::steady_timer> timer;
    bool granted = false;
};

Quota::Quota(std::size_t limit, std::size_t queue_size, std::chrono::milliseconds queue_timeout)
    : limit_(limit), queue_size_(queue_size), queue_timeout_(queue_timeout) {}

Quota::Hold& Quota::Hold::operator=(Hold&& other) noexcept {
    if (this != &other) {
        if (quota_) quota_->release();
        quota_ = other.quota_;
        other.quota_ = nullptr;
    }
    return *this;
}

Quota::Hold::~Hold() {
    if (quota_) quota_->release();
}

asio::awaitable<Quota::Hold> Quota::acquire() {
    auto executor = co_await asio::this_coro::executor;
    auto waiter = std::make_shared<Waiter>();
    {
        std::lock_guard lock(mutex_);
        if (active_ < limit_ && waiters_.empty()) {
            ++active_;
            co_return Hold(this);
        }
        if (waiters_.size() >= queue_size_)
            throw core::ApiError(
                core::ErrorCode::kRateLimited,
                "the assistant is at its capacity and its queue is full; retry shortly", 1);
        waiter->executor = executor;
        waiter->timer = std::make_shared<asio::steady_timer>(executor, queue_timeout_);
        waiters_.push_back(waiter);
    }
    co_await waiter->timer->async_wait(asio::as_tuple(asio::use_awaitable));
    {
        std::lock_guard lock(mutex_);
        if (waiter->granted) co_return Hold(this);
        std::erase(waiters_, waiter);
    }
    throw core::ApiError(core::ErrorCode::kUnavailable,
                         "the assistant is busy: no capacity freed up in time; retry shortly", 1);
}

void Quota::release() {
    std::lock_guard lock(mutex_);
    if (waiters_.empty()) {
        --active_;
        return;
    }
    // The slot passes to the longest waiter; active_ stays the same.
    auto next = waiters_.front();
    waiters_.pop_front();
    next->granted = true;
    asio::post(next->executor, [timer = next->timer] { timer->cancel(); });
}

std::size_t Quota::in_flight() const {
    std::lock_guard lock(mutex_);
    return active_;
}

std::size_t Quota::queued() const {
    std::lock_guard lock(mutex_);
    return waiters_.size();
}

}  // namespace mindme::upstream
