#pragma once
// The connections of a lane's virtual users: opened through the connector (paced, from
// the source range), kept alive between requests, dropped when the server closed them,
// and bounded by the request timeout — one sweep for every user instead of a timer per
// request. Included by the engine's parts only.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "loadgen/lane.hpp"

namespace mindme::loadgen::detail {

using ResponseParser = boost::beast::http::response_parser<boost::beast::http::string_body>;

class ConnectionPool {
public:
    explicit ConnectionPool(LaneState& lane);

    // Opens the user's connection (the socket stays closed on failure).
    asio::awaitable<boost::system::error_code> connect(VirtualUser& u);
    // Opens a connection of its own (an events socket); the caller calls closed() after.
    asio::awaitable<boost::system::error_code> connect(tcp::socket& socket);
    void closed() { connector_.closed(); }
    void close(VirtualUser& u);
    // A kept-alive connection the server closed while the user was thinking is noticed
    // before the request is written to it (as a browser does), and closed here.
    void drop_if_closed_by_peer(VirtualUser& u);

    // Writes `request` and reads the answer into `parser` within the request timeout;
    // what failed ("write", "read", "timeout") or nullptr.
    asio::awaitable<const char*> exchange(VirtualUser& u, const std::string& request,
                                          ResponseParser& parser);

    // Cancels exchanges past their deadline until the lane's users are done.
    asio::awaitable<void> sweep();

    std::uint64_t open() const { return connector_.open(); }

private:
    LaneState& lane_;
    Connector connector_;
};

}  // namespace mindme::loadgen::detail
