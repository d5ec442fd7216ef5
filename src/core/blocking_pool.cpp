#include "core/blocking_pool.hpp"

namespace mindme::core {

BlockingPool::BlockingPool(std::string name, std::size_t threads, std::size_t max_queue)
    : name_(std::move(name)), max_queue_(max_queue) {
    if (threads == 0) threads = 1;
    stats_.threads = threads;
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

BlockingPool::~BlockingPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
}

bool BlockingPool::enqueue(Job job) {
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= max_queue_ || stopping_) {
            ++stats_.rejected;
            return false;
        }
        queue_.push_back(std::move(job));
        stats_.queued = queue_.size();
    }
    ready_.notify_one();
    return true;
}

void BlockingPool::work() {
    while (true) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything queued has run
            job = std::move(queue_.front());
            queue_.pop_front();
            stats_.queued = queue_.size();
            ++stats_.busy;
        }
        auto now = Clock::now();
        bool expired = job.deadline && now > *job.deadline;
        auto deliver = job.work(expired);
        {
            std::lock_guard lock(mutex_);
            --stats_.busy;
            ++(expired ? stats_.expired : stats_.completed);
            stats_.wait_seconds_sum += std::chrono::duration<double>(now - job.queued_at).count();
        }
        deliver();
    }
}

BlockingPool::Stats BlockingPool::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

}  // namespace mindme::core
