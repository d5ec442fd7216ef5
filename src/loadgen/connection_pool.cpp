#include "loadgen/connection_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <cerrno>

namespace mindme::loadgen::detail {
namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

ConnectionPool::ConnectionPool(LaneState& lane)
    : lane_(lane),
      // Lanes of all processes split the source pairs: none binds another's.
      connector_(lane.run.target.endpoint, lane.run.source, lane.run.options.connect_rate,
                 lane.lane(), lane.run.total_lanes) {}

asio::awaitable<boost::system::error_code> ConnectionPool::connect(VirtualUser& u) {
    auto ec = co_await connector_.connect(u.socket);
    if (!ec) {
        u.connected = true;
        u.last_used = Clock::now();
    }
    co_return ec;
}

asio::awaitable<boost::system::error_code> ConnectionPool::connect(tcp::socket& socket) {
    co_return co_await connector_.connect(socket);
}

void ConnectionPool::close(VirtualUser& u) {
    if (!u.connected) return;
    boost::system::error_code ignored;
    u.socket.close(ignored);  // reopened by the connector when needed
    u.buffer.clear();
    u.connected = false;
    connector_.closed();
}

void ConnectionPool::drop_if_closed_by_peer(VirtualUser& u) {
    if (!u.connected || Clock::now() - u.last_used < std::chrono::milliseconds(200)) return;
    char byte = 0;
    auto n = ::recv(u.socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) close(u);
}

asio::awaitable<const char*> ConnectionPool::exchange(VirtualUser& u, const std::string& request,
                                                      ResponseParser& parser) {
    // A server that never answers costs one timeout, not the whole test: the sweep
    // cancels an exchange past its deadline.
    u.deadline = Clock::now() + lane_.run.options.timeout;
    const char* failure = nullptr;
    auto [wec, wn] = co_await asio::async_write(u.socket, asio::buffer(request), kUseTuple);
    if (wec) {
        failure = "write";
    } else {
        auto [rec, rn] =
            co_await boost::beast::http::async_read(u.socket, u.buffer, parser, kUseTuple);
        if (rec) failure = "read";
    }
    u.deadline = Clock::time_point::max();
    if (u.timed_out) {
        u.timed_out = false;
        failure = "timeout";
    }
    co_return failure;
}

asio::awaitable<void> ConnectionPool::sweep() {
    asio::steady_timer tick(lane_.ioc);
    const auto& run = lane_.run;
    auto period = std::clamp<Clock::duration>(
        run.options.timeout / 10, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
    auto last_call = run.end + run.options.timeout + period;
    while (Clock::now() < run.end || (lane_.active > 0 && Clock::now() < last_call)) {
        tick.expires_after(period);
        co_await tick.async_wait(kUseTuple);
        auto now = Clock::now();
        for (auto& u : lane_.users)
            if (u->deadline <= now) {
                u->timed_out = true;
                u->deadline = Clock::time_point::max();
                boost::system::error_code ignored;
                u->socket.cancel(ignored);
            }
    }
}

}  // namespace mindme::loadgen::detail
