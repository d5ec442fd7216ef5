#pragma once
// How a load test opens its connections: paced to a connect rate, and from explicit
// source addresses and ports when asked. One destination address and port has only
// ~28,000 kernel-chosen source ports, and choosing them gets slow as they fill, so
// hundreds of thousands of connections come from many 127.x.y.z addresses with ports
// the load generator picks itself. Included by the engine only (Asio).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace mindme::loadgen {

// IPv4 addresses first..last (host byte order), inclusive.
struct SourceRange {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    std::uint64_t addresses() const { return std::uint64_t{last} - first + 1; }
};

// "127.1.0.0/16" or "127.0.0.2-127.0.0.200"; nullopt when malformed or not loopback.
std::optional<SourceRange> parse_source_range(const std::string& text);

// Ports the generator binds on each source address.
inline constexpr std::uint16_t kFirstSourcePort = 1024;
inline constexpr std::uint16_t kLastSourcePort = 65535;

class Connector {
public:
    // This connector takes share `index` of `shares` of the source pairs and of the
    // connect rate (0: unpaced).
    Connector(boost::asio::ip::tcp::endpoint target, std::optional<SourceRange> source,
              double connect_rate, std::size_t index, std::size_t shares);

    // Opens `socket` (closed on entry) to the target; the error, if any.
    boost::asio::awaitable<boost::system::error_code> connect(boost::asio::ip::tcp::socket& socket);

    std::uint64_t open() const { return open_; }
    void closed() { --open_; }

private:
    boost::asio::ip::tcp::endpoint target_;
    std::optional<SourceRange> source_;
    std::uint64_t pair_first_ = 0;  // this share of (address, port) pairs
    std::uint64_t pair_count_ = 0;
    std::uint64_t next_pair_ = 0;
    std::chrono::nanoseconds interval_{0};  // between two connects; 0: unpaced
    std::chrono::steady_clock::time_point next_connect_{};
    std::uint64_t open_ = 0;
};

}  // namespace mindme::loadgen
