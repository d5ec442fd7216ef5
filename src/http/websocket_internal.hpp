#pragma once
// The server's WebSocket session loop, run by a connection whose handler accepted an
// upgrade. Private to src/http: it pulls in Beast.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/server_internal.hpp"
#include "http/websocket.hpp"

namespace mindme::http::detail {

// Completes the handshake for `request` and runs the session until it closes.
asio::awaitable<void> run_websocket(
    Shared& shared, Socket& socket, boost::beast::flat_buffer& buffer,
    boost::beast::http::request<boost::beast::http::string_body>& request,
    std::shared_ptr<WebSocketHandler> handler);

}  // namespace mindme::http::detail
