// The HTTP/2 pool against an h2c stand-in (tests/stand_ins/h2_echo.py): streams share a
// connection up to the cap, the next one opens another, callers arriving together share
// one opening, a closed connection is replaced, and closing the pool ends its streams.
#include "upstream/http2_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/await_now.hpp"
#include "upstream/child_stand_in.hpp"

namespace mindme::upstream {
namespace {

namespace asio = boost::asio;

Clock::time_point soon() { return Clock::now() + std::chrono::seconds(10); }

struct Http2PoolTest : ::testing::Test {
    testing::ChildStandIn h2{"h2_echo.py"};
    asio::ssl::context tls{asio::ssl::context::tls_client};

    // Runs `test` with a pool capped at two streams a connection, closed at the end.
    void with_pool(const std::function<asio::awaitable<void>(Http2Pool&)>& test) {
        core::await_now([&]() -> asio::awaitable<void> {
            Http2Pool pool(co_await asio::this_coro::executor, tls, 2);
            try {
                co_await test(pool);
            } catch (...) {
                pool.close();
                throw;
            }
            pool.close();
        }());
    }
};

TEST_F(Http2PoolTest, StreamsShareAConnectionUpToTheCapThenAnotherOpens) {
    with_pool([&](Http2Pool& pool) -> asio::awaitable<void> {
        auto target = h2.target("/echo");
        auto first = co_await pool.connection(target, soon());
        auto a = first->start("POST", target, {});
        auto again = co_await pool.connection(target, soon());
        EXPECT_EQ(again, first);
        auto b = again->start("POST", target, {});
        auto third = co_await pool.connection(target, soon());
        EXPECT_NE(third, first);
        EXPECT_EQ(pool.connections(), 2u);
        auto c = third->start("POST", target, {});
        EXPECT_EQ(co_await c->status(soon()), 200);
        for (auto* s : {&a, &b, &c}) (*s)->finish();
        EXPECT_FALSE(co_await a->read(soon()));
    });
}

TEST_F(Http2PoolTest, CallersArrivingTogetherShareOneOpening) {
    with_pool([&](Http2Pool& pool) -> asio::awaitable<void> {
        auto target = h2.target("/echo");
        auto executor = co_await asio::this_coro::executor;
        std::vector<std::shared_ptr<Http2Connection>> got;
        std::vector<std::shared_ptr<Http2Stream>> streams;
        int done = 0;
        asio::steady_timer all_done(executor, Clock::time_point::max());
        for (int i = 0; i < 4; ++i)
            asio::co_spawn(
                executor,
                [&]() -> asio::awaitable<void> {
                    auto c = co_await pool.connection(target, soon());
                    streams.push_back(c->start("POST", target, {}));
                    got.push_back(c);
                    if (++done == 4) all_done.cancel();
                },
                asio::detached);
        if (done < 4) co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
        EXPECT_EQ(done, 4);
        EXPECT_EQ(pool.connections(), 2u);  // four streams, two a connection
        for (const auto& c : got) EXPECT_LE(c->open_streams(), 2u);
        for (auto& s : streams) s->reset();
    });
}

TEST_F(Http2PoolTest, AClosedConnectionIsReplaced) {
    with_pool([&](Http2Pool& pool) -> asio::awaitable<void> {
        auto target = h2.target("/echo");
        auto first = co_await pool.connection(target, soon());
        first->close();
        auto next = co_await pool.connection(target, soon());
        EXPECT_NE(next, first);
        EXPECT_TRUE(next->usable());
        EXPECT_EQ(pool.connections(), 1u);
    });
}

TEST_F(Http2PoolTest, ClosingThePoolEndsItsStreams) {
    with_pool([&](Http2Pool& pool) -> asio::awaitable<void> {
        auto target = h2.target("/echo");
        auto c = co_await pool.connection(target, soon());
        auto s = c->start("POST", target, {});
        EXPECT_EQ(co_await s->status(soon()), 200);
        pool.close();
        EXPECT_THROW(co_await s->read(soon()), UpstreamError);
        EXPECT_THROW(co_await pool.connection(target, soon()), UpstreamError);
    });
}

}  // namespace
}  // namespace mindme::upstream
