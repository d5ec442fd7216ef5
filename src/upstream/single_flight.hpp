#pragma once
// One run of some work at a time, however many callers want its result: the first caller
// runs it, the others wait for that run and get the same value or exception. For one
// executor (an event loop of a single thread), so it needs no lock.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>

namespace mindme::upstream {

template <class T>
class SingleFlight {
public:
    // `work` is a callable returning awaitable<T>.
    template <class Work>
    boost::asio::awaitable<T> run(Work work) {
        if (auto running = pending_) {
            // A timer that never expires, cancelled when the run ends: an event.
            co_await running->done.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
            co_return running->outcome();
        }
        auto mine = std::make_shared<Pending>(co_await boost::asio::this_coro::executor);
        pending_ = mine;
        try {
            mine->value = co_await work();
        } catch (...) {
            mine->error = std::current_exception();
        }
        pending_.reset();
        mine->done.cancel();
        co_return mine->outcome();
    }

    bool running() const { return pending_ != nullptr; }

private:
    struct Pending {
        explicit Pending(boost::asio::any_io_executor executor)
            : done(executor, boost::asio::steady_timer::time_point::max()) {}
        T outcome() const {
            if (error) std::rethrow_exception(error);
            return *value;
        }
        boost::asio::steady_timer done;
        std::optional<T> value;
        std::exception_ptr error;
    };
    std::shared_ptr<Pending> pending_;
};

}  // namespace mindme::upstream
