#include "loadgen/events_socket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

namespace mindme::loadgen {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using namespace asio::experimental::awaitable_operators;

namespace {

using Stream = websocket::stream<asio::ip::tcp::socket>;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// How long the closing handshake may take before the connection is simply dropped.
constexpr std::chrono::seconds kCloseGrace{2};

// Reads until the stream ends. Its read is never cancelled: cancelling a WebSocket
// read leaves the stream unable to close (the close then waits forever), so stopping
// goes through close_when_stopped, which Beast lets run beside a pending read.
asio::awaitable<void> read_until_closed(Stream& ws, asio::steady_timer& stop, bool& ended,
                                        const bool& closing, EventsHandlers& handlers) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        auto [ec, n] = co_await ws.async_read(buffer, kTuple);
        if (ec) {
            if (!closing) handlers.failed();  // the server ended it, or the network
            break;
        }
        buffer.consume(buffer.size());
        handlers.message();
    }
    ended = true;
    stop.cancel();  // the closer need not wait for the end of the test
}

asio::awaitable<void> close_when_stopped(Stream& ws, asio::steady_timer& stop, const bool& ended,
                                         bool& closing) {
    co_await stop.async_wait(kTuple);
    if (ended) co_return;
    closing = true;
    asio::steady_timer grace(co_await asio::this_coro::executor, kCloseGrace);
    auto outcome = co_await (ws.async_close(websocket::close_code::normal, kTuple) ||
                             grace.async_wait(kTuple));
    if (outcome.index() == 1 || !ended) {
        boost::system::error_code ignored;
        boost::beast::get_lowest_layer(ws).close(ignored);  // ends the read
    }
}

}  // namespace

asio::awaitable<void> hold_events(asio::ip::tcp::socket socket, std::string host,
                                  std::string target, asio::steady_timer& stop,
                                  EventsHandlers handlers) {
    Stream ws(std::move(socket));
    auto timeouts = websocket::stream_base::timeout::suggested(boost::beast::role_type::client);
    ws.set_option(timeouts);  // pings from the server keep it alive; Beast answers them
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
        request.set(boost::beast::http::field::user_agent, "mindme-loadtest");
    }));
    auto [handshake_error] = co_await ws.async_handshake(host, target, kTuple);
    if (handshake_error) {
        handlers.failed();
        co_return;
    }
    handlers.opened();
    bool ended = false;
    bool closing = false;
    co_await (read_until_closed(ws, stop, ended, closing, handlers) &&
              close_when_stopped(ws, stop, ended, closing));
}

}  // namespace mindme::loadgen
