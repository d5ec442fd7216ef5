#pragma once
// For tests and one-shot commands: runs a coroutine to completion on a private
// io_context and returns its result (or rethrows its exception).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace mindme::core {

template <class T>
T await_now(boost::asio::awaitable<T> work) {
    boost::asio::io_context ioc;
    auto future = boost::asio::co_spawn(ioc, std::move(work), boost::asio::use_future);
    ioc.run();
    return future.get();
}

}  // namespace mindme::core
