// The HTTP/2 client against an h2c stand-in (tests/stand_ins/h2_echo.py, python3-h2):
// full-duplex echo, streams side by side on one connection, a reset stream, a silent peer
// meeting the deadline, and a closed connection ending the streams on it.
#include "upstream/http2_connection.hpp"

#include <gtest/gtest.h>

#include "upstream/child_stand_in.hpp"

namespace mindme::upstream {
namespace {

using std::chrono::milliseconds;
namespace asio = boost::asio;

// tests/stand_ins/h2_echo.py
struct H2StandIn : testing::ChildStandIn {
    H2StandIn() : ChildStandIn("h2_echo.py") {}
};

Clock::time_point soon() { return Clock::now() + std::chrono::seconds(10); }

TEST(Http2Connection, EchoesBothWaysOnOneStream) {
    H2StandIn h2;
    h2.on_h2_connection([&](std::shared_ptr<Http2Connection> connection) -> asio::awaitable<void> {
        auto stream = connection->start("POST", h2.target("/echo"),
                                        {{"Content-Type", "application/octet-stream"}});
        EXPECT_EQ(co_await stream->status(soon()), 200);
        for (const std::string& piece :
             std::vector<std::string>{"hello", std::string(100000, 'x'), "world"}) {
            co_await stream->write(piece);
            std::string back;
            while (back.size() < piece.size()) {
                auto got = co_await stream->read(soon());
                if (!got) break;
                back += *got;
            }
            EXPECT_EQ(back, piece);
        }
        stream->finish();
        EXPECT_FALSE(co_await stream->read(soon()));
        EXPECT_TRUE(stream->closed());
    });
}

TEST(Http2Connection, StreamsShareOneConnection) {
    H2StandIn h2;
    h2.on_h2_connection([&](std::shared_ptr<Http2Connection> connection) -> asio::awaitable<void> {
        auto a = connection->start("POST", h2.target("/echo"), {});
        auto b = connection->start("POST", h2.target("/echo"), {});
        EXPECT_EQ(co_await a->status(soon()), 200);
        EXPECT_EQ(co_await b->status(soon()), 200);
        std::string count;
        for (const auto& h : b->response_headers())
            if (h.name == "x-stream-count") count = h.value;
        EXPECT_EQ(count, "2");
        co_await b->write("to b");
        co_await a->write("to a");
        EXPECT_EQ(co_await a->read(soon()), "to a");
        EXPECT_EQ(co_await b->read(soon()), "to b");
        EXPECT_EQ(connection->open_streams(), 2u);
        a->finish();
        b->finish();
        EXPECT_FALSE(co_await a->read(soon()));
        EXPECT_FALSE(co_await b->read(soon()));
    });
}

TEST(Http2Connection, AResetStreamIsAnError) {
    H2StandIn h2;
    h2.on_h2_connection([&](std::shared_ptr<Http2Connection> connection) -> asio::awaitable<void> {
        auto stream = connection->start("POST", h2.target("/reset"), {});
        co_await stream->write("anything");
        try {
            co_await stream->read(soon());
            ADD_FAILURE() << "no error";
        } catch (const UpstreamError& e) {
            EXPECT_NE(std::string(e.what()).find("reset"), std::string::npos) << e.what();
        }
        EXPECT_TRUE(connection->usable());  // one stream's reset leaves the others
    });
}

TEST(Http2Connection, ASilentPeerMeetsTheDeadline) {
    H2StandIn h2;
    h2.on_h2_connection([&](std::shared_ptr<Http2Connection> connection) -> asio::awaitable<void> {
        auto stream = connection->start("POST", h2.target("/silent"), {});
        try {
            co_await stream->status(Clock::now() + milliseconds(300));
            ADD_FAILURE() << "answered";
        } catch (const UpstreamError& e) {
            EXPECT_EQ(e.kind(), UpstreamError::Kind::kTimeout);
        }
        stream->reset();
        connection->close();
        EXPECT_FALSE(connection->usable());
    });
}

TEST(Http2Connection, ClosingTheConnectionEndsItsStreams) {
    H2StandIn h2;
    h2.on_h2_connection([&](std::shared_ptr<Http2Connection> connection) -> asio::awaitable<void> {
        auto stream = connection->start("POST", h2.target("/echo"), {});
        EXPECT_EQ(co_await stream->status(soon()), 200);
        connection->close();
        EXPECT_THROW(co_await stream->read(soon()), UpstreamError);
        EXPECT_THROW(co_await stream->write("late"), UpstreamError);
        EXPECT_THROW(connection->start("POST", h2.target("/echo"), {}), UpstreamError);
    });
}

}  // namespace
}  // namespace mindme::upstream
