#pragma once
// HTTP/2 connections shared by many streams, per origin: a caller gets a connection with
// room for one more stream (the peer's SETTINGS_MAX_CONCURRENT_STREAMS, at most our own
// cap), opened when none has room — one opening at a time per origin, which the others
// wait for — so a thousand voice sessions ride a handful of connections. Connections the
// peer closed or sent GOAWAY on are let go of; an idle one past the first is closed.
// Everything on one executor (the outbound client's loop).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "upstream/http2_connection.hpp"
#include "upstream/single_flight.hpp"

namespace mindme::upstream {

class Http2Pool {
public:
    static constexpr std::size_t kMaxStreamsPerConnection = 100;

    Http2Pool(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls,
              std::size_t max_streams = kMaxStreamsPerConnection);
    ~Http2Pool();
    Http2Pool(const Http2Pool&) = delete;
    Http2Pool& operator=(const Http2Pool&) = delete;

    // A connection to target's origin with room for a stream. Start the stream on it before
    // awaiting anything else: the room is only taken when the stream starts.
    boost::asio::awaitable<std::shared_ptr<Http2Connection>> connection(const Target& target,
                                                                        Clock::time_point deadline);
    // Closes every connection (their streams end with an error).
    void close();
    std::size_t connections() const;

private:
    struct Origin {
        std::vector<std::shared_ptr<Http2Connection>> open;
        SingleFlight<std::shared_ptr<Http2Connection>> opening;
    };
    bool has_room(const Http2Connection& connection) const;

    boost::asio::any_io_executor executor_;
    boost::asio::ssl::context& tls_;
    std::size_t max_streams_;
    std::map<std::string, Origin> origins_;
    bool closed_ = false;
};

}  // namespace mindme::upstream
