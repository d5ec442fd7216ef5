#pragma once
// A virtual user's /v1/events WebSocket: upgrades a connected socket and counts the
// events the server pushes until `stop` fires or the server closes. Kept apart so the
// engine does not include Beast's WebSocket headers.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

namespace mindme::loadgen {

struct EventsHandlers {
    std::function<void()> opened;
    std::function<void()> failed;  // the upgrade failed or the server closed early
    std::function<void()> message;
};

// `host` for the Host header, `target` such as "/v1/events?token=...". When `stop`
// fires (or is cancelled) the socket is closed with a close handshake, dropped if that
// takes over 2 s. Returns when the socket is closed.
boost::asio::awaitable<void> hold_events(boost::asio::ip::tcp::socket socket, std::string host,
                                         std::string target, boost::asio::steady_timer& stop,
                                         EventsHandlers handlers);

}  // namespace mindme::loadgen
