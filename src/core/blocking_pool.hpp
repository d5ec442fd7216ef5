#pragma once
// A bounded pool of threads for blocking libraries (SQL drivers, Xapian, libvips,
// poppler), awaited from event-loop coroutines: the loop thread never blocks, the
// queue never grows past its bound, and a job that waited past its deadline is not
// run at all. Owners export stats() as metrics.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/errors.hpp"

namespace mindme::core {

class BlockingPool {
public:
    using Clock = std::chrono::steady_clock;

    struct Stats {
        std::size_t threads = 0;
        std::size_t queued = 0;       // waiting for a thread now
        std::size_t busy = 0;         // running now
        std::uint64_t completed = 0;  // ran, successfully or not
        std::uint64_t rejected = 0;   // refused because the queue was full
        std::uint64_t expired = 0;    // dropped: waited past their deadline
        double wait_seconds_sum = 0;  // total time jobs spent queued
    };

    // `max_queue` jobs may wait; past that run() fails at once with 503.
    BlockingPool(std::string name, std::size_t threads, std::size_t max_queue);
    ~BlockingPool();  // finishes queued jobs, then joins
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;

    // Runs f() on a pool thread and resumes the caller on its own executor with the
    // result (or f's exception). Throws ApiError(kUnavailable) when the queue is
    // full or the job is still queued at `deadline`.
    //
    // f must capture by reference (it runs while its caller is suspended, so the
    // caller's locals outlive it): GCC 12 relocates closures passed through coroutine
    // frames bitwise, which breaks a std::string captured by value (seen under ASan).
    template <class F>
    boost::asio::awaitable<std::invoke_result_t<F>> run(
        F f, std::optional<Clock::time_point> deadline = std::nullopt) {
        static_assert(std::is_trivially_copyable_v<F>,
                      "capture by reference in BlockingPool::run jobs");
        using R = std::invoke_result_t<F>;
        using Result = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
        auto outcome =
            co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                                 void(std::exception_ptr, std::optional<Result>)>(
                [this, deadline, f = std::move(f)](auto handler) mutable {
                    submit(std::move(f), deadline, std::move(handler));
                },
                boost::asio::use_awaitable);
        co_return unwrap<R>(std::move(outcome));
    }

    Stats stats() const;
    const std::string& name() const { return name_; }

private:
    struct Job {
        // Runs on a pool thread and returns the delivery of its outcome, which the
        // pool calls after updating its stats (so a caller never sees stale stats).
        std::function<std::function<void()>(bool expired)> work;
        Clock::time_point queued_at;
        std::optional<Clock::time_point> deadline;
    };

    template <class R, class T>
    static R unwrap(T&& outcome) {
        if constexpr (std::is_void_v<R>)
            return;
        else
            return std::move(*outcome);
    }

    template <class F, class Handler>
    void submit(F f, std::optional<Clock::time_point> deadline, Handler handler) {
        using R = std::invoke_result_t<F>;
        using Result = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
        auto executor = boost::asio::get_associated_executor(handler);
        auto shared = std::make_shared<Handler>(std::move(handler));
        // Delivery: resume the caller on its own executor.
        auto complete = [executor, shared](std::exception_ptr e, std::optional<Result> value) {
            return std::function<void()>([executor, shared, e, value = std::move(value)]() {
                boost::asio::post(executor,
                                  [shared, e, value]() mutable { (*shared)(e, std::move(value)); });
            });
        };
        // Shared so that move-only callables fit in the copyable std::function.
        auto fn = std::make_shared<F>(std::move(f));
        bool accepted = enqueue(
            Job{[fn, complete](bool expired) mutable -> std::function<void()> {
                    if (expired)
                        return complete(std::make_exception_ptr(ApiError(ErrorCode::kUnavailable,
                                                                         "the server is busy", 1)),
                                        std::nullopt);
                    try {
                        if constexpr (std::is_void_v<R>) {
                            (*fn)();
                            return complete(nullptr, std::monostate{});
                        } else {
                            return complete(nullptr, (*fn)());
                        }
                    } catch (...) {
                        return complete(std::current_exception(), std::nullopt);
                    }
                },
                Clock::now(), deadline});
        if (!accepted)
            complete(
                std::make_exception_ptr(ApiError(
                    ErrorCode::kUnavailable, "the server is busy: " + name_ + " queue is full", 1)),
                std::nullopt)();
    }

    bool enqueue(Job job);
    void work();

    std::string name_;
    std::size_t max_queue_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    Stats stats_;
    std::vector<std::thread> threads_;
};

}  // namespace mindme::core
