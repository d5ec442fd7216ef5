// Listeners, event-loop threads and the graceful drain. See server.hpp.
#include "http/server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <system_error>

#include "core/log.hpp"
#include "http/server_internal.hpp"

namespace mindme::http {

using namespace detail;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
// Connections taken from a listener's queue when the drain closes it (its backlog).
constexpr int kMaxAcceptedOnDrain = 4096;

// Out of descriptors or memory: accepting again at once would spin.
bool is_resource_exhaustion(const boost::system::error_code& ec) {
    return ec == asio::error::no_descriptors || ec.value() == ENFILE ||
           ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

asio::awaitable<void> accept_loop(Shared& s, Loop& loop) {
    asio::steady_timer backoff(loop.ioc);
    bool reserve_logged = false;
    while (loop.acceptor && loop.acceptor->is_open()) {
        if (s.connections.load(std::memory_order_relaxed) >= s.max_connections) {
            // New clients wait in the listen queue (or are refused by the kernel once it
            // is full) rather than take the descriptors the rest of the process needs.
            if (!reserve_logged)
                core::log::warn("accept paused: descriptor reserve reached",
                                core::log::Fields().add("connections", s.max_connections));
            reserve_logged = true;
            backoff.expires_after(std::chrono::milliseconds(50));
            co_await backoff.async_wait(kUseTuple);
            continue;
        }
        reserve_logged = false;
        auto [ec, socket] = co_await loop.acceptor->async_accept(kUseTuple);
        if (ec == asio::error::operation_aborted || !loop.acceptor->is_open()) break;
        if (ec) {
            if (is_resource_exhaustion(ec)) {
                core::log::warn("accept paused", core::log::Fields().add("error", ec.message()));
                backoff.expires_after(std::chrono::milliseconds(50));
                co_await backoff.async_wait(kUseTuple);
            }
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        asio::co_spawn(loop.ioc, serve_connection(s, loop, std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> drain_loop(Shared& s, Loop& loop) {
    if (s.options.drain_delay.count() > 0) {
        asio::steady_timer delay(loop.ioc);
        delay.expires_after(s.options.drain_delay);
        co_await delay.async_wait(kUseTuple);
    }
    loop.draining = true;
    // Connections the kernel completed but nobody accepted yet hold requests their
    // clients consider sent: take them before closing the listener (which would reset
    // them), and answer them like the others.
    boost::system::error_code ignored;
    if (loop.acceptor) {
        loop.acceptor->non_blocking(true, ignored);
        for (int i = 0; i < kMaxAcceptedOnDrain; ++i) {
            Socket socket(loop.ioc);
            boost::system::error_code ec;
            loop.acceptor->accept(socket, ec);
            if (ec) break;
            socket.set_option(tcp::no_delay(true), ignored);
            asio::co_spawn(loop.ioc, serve_connection(s, loop, std::move(socket)), asio::detached);
        }
        loop.acceptor->close(ignored);
    }
    // An idle keep-alive connection may carry a request its client is sending right now:
    // each gets server.drain_idle_seconds for one more request (answered with Connection:
    // close) instead of being closed under it.
    for (auto* c : loop.connections)
        if (c->idle) c->expires_after(s.options.drain_idle, "drain_idle");
    if (loop.connections.empty()) co_return;
    loop.drain_timer.expires_after(s.options.drain_timeout);
    auto [ec] = co_await loop.drain_timer.async_wait(kUseTuple);
    if (ec) co_return;  // cancelled: the last connection has closed
    core::log::warn(
        "drain deadline passed, closing connections",
        core::log::Fields().add("connections", static_cast<std::int64_t>(loop.connections.size())));
    std::vector<Connection*> open(loop.connections.begin(), loop.connections.end());
    for (auto* c : open) {
        c->expired = "drain_deadline";
        c->socket->close(ignored);
    }
}

// Cancels the pending operation of every connection whose deadline has passed. The
// connection's coroutine then sees the failed operation and `expired`, and closes.
asio::awaitable<void> sweep_deadlines(Loop& loop) {
    while (true) {
        loop.sweep_timer.expires_after(kSweepInterval);
        auto [ec] = co_await loop.sweep_timer.async_wait(kUseTuple);
        if (ec || (loop.draining && loop.connections.empty())) co_return;
        auto now = ++loop.ticks;
        for (auto* c : loop.connections) {
            if (c->idle && now - c->idle_since >= kReleaseBufferTicks) c->release_buffers();
            if (c->deadline > now || c->expired) continue;
            c->expired = c->deadline_reason;
            boost::system::error_code ignored;
            c->socket->cancel(ignored);
        }
    }
}

asio::ip::address resolve_host(const std::string& host) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (!ec) return address;
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, "", ec);
    if (ec || results.empty())
        throw std::system_error(ec, "cannot resolve listen host '" + host + "'");
    return results.begin()->endpoint().address();
}

}  // namespace

std::int64_t detail::max_client_connections() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return INT64_MAX;
    auto max = static_cast<std::int64_t>(limit.rlim_cur);
    auto reserve = std::clamp<std::int64_t>(max / 8, 64, 1024);
    return std::max<std::int64_t>(16, max - reserve);
}

struct Server::Impl {
    Impl(ServerOptions options, Handler handler, metrics::Registry& registry,
         core::Lifecycle& lifecycle)
        : shared{std::move(options), std::move(handler), HttpMetrics(registry), lifecycle} {
        shared.max_connections = max_client_connections();
    }

    Shared shared;
    std::vector<std::unique_ptr<Loop>> loops;
    std::uint16_t port = 0;
    std::atomic<bool> drain_started{false};
};

Server::Server(ServerOptions options, Handler handler, metrics::Registry& registry,
               core::Lifecycle& lifecycle)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), registry, lifecycle)) {}

Server::~Server() {
    for (auto& loop : impl_->loops) {
        loop->ioc.stop();
        if (loop->thread.joinable()) loop->thread.join();
    }
}

void Server::start() {
    auto& opts = impl_->shared.options;
    auto address = resolve_host(opts.host);
    impl_->port = opts.port;
    int threads = std::max(1, opts.threads);
    for (int i = 0; i < threads; ++i) {
        auto loop = std::make_unique<Loop>();
        tcp::endpoint endpoint(address, impl_->port);
        auto& acceptor = loop->acceptor.emplace(loop->ioc.get_executor());
        try {
            acceptor.open(endpoint.protocol());
            acceptor.set_option(asio::socket_base::reuse_address(true));
            acceptor.set_option(ReusePort(true));
            acceptor.bind(endpoint);
            acceptor.listen(asio::socket_base::max_listen_connections);
        } catch (const boost::system::system_error& e) {
            throw std::system_error(
                e.code(), "cannot listen on " + opts.host + ":" + std::to_string(impl_->port));
        }
        // With port 0 the first listener picks the port and the others share it.
        impl_->port = acceptor.local_endpoint().port();
        impl_->loops.push_back(std::move(loop));
    }
    for (auto& loop : impl_->loops) {
        Loop& l = *loop;
        asio::co_spawn(l.ioc, accept_loop(impl_->shared, l), asio::detached);
        asio::co_spawn(l.ioc, sweep_deadlines(l), asio::detached);
        l.thread = std::thread([&l] {
            while (true) {
                try {
                    l.ioc.run();
                    return;
                } catch (const std::exception& e) {
                    core::log::error("event loop error",
                                     core::log::Fields().add("error", e.what()));
                }
            }
        });
    }
}

std::uint16_t Server::local_port() const { return impl_->port; }

void Server::drain() {
    if (impl_->drain_started.exchange(true)) return;
    impl_->shared.lifecycle.begin_drain();
    for (auto& loop : impl_->loops) {
        Loop& l = *loop;
        asio::co_spawn(l.ioc, drain_loop(impl_->shared, l), asio::detached);
    }
}

void Server::wait() {
    for (auto& loop : impl_->loops)
        if (loop->thread.joinable()) loop->thread.join();
}

}  // namespace mindme::http
