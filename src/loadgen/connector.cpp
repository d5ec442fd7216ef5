#include "loadgen/connector.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mindme::loadgen {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::optional<SourceRange> parse_source_range(const std::string& text) {
    auto address = [](const std::string& s) -> std::optional<std::uint32_t> {
        boost::system::error_code ec;
        auto a = asio::ip::make_address_v4(s, ec);
        if (ec || !a.is_loopback()) return std::nullopt;
        return a.to_uint();
    };
    SourceRange r;
    if (auto slash = text.find('/'); slash != std::string::npos) {
        auto base = address(text.substr(0, slash));
        int bits = -1;
        try {
            std::size_t used = 0;
            bits = std::stoi(text.substr(slash + 1), &used);
            if (used != text.size() - slash - 1) return std::nullopt;
        } catch (const std::exception&) {
            return std::nullopt;
        }
        if (!base || bits < 8 || bits > 32) return std::nullopt;
        std::uint32_t mask = bits == 32 ? 0xFFFFFFFFu : ~(0xFFFFFFFFu >> bits);
        r.first = *base & mask;
        r.last = r.first | ~mask;
    } else if (auto dash = text.find('-'); dash != std::string::npos) {
        auto a = address(text.substr(0, dash));
        auto b = address(text.substr(dash + 1));
        if (!a || !b || *b < *a) return std::nullopt;
        r.first = *a;
        r.last = *b;
    } else {
        auto a = address(text);
        if (!a) return std::nullopt;
        r.first = r.last = *a;
    }
    // 127.0.0.0 is not a usable source.
    if (r.first == 0x7F000000u) ++r.first;
    if (r.first > r.last) return std::nullopt;
    return r;
}

namespace {
constexpr std::uint64_t kPortsPerAddress = kLastSourcePort - kFirstSourcePort + 1;
}

Connector::Connector(tcp::endpoint target, std::optional<SourceRange> source, double connect_rate,
                     std::size_t index, std::size_t shares)
    : target_(std::move(target)), source_(source) {
    if (source_) {
        auto pairs = source_->addresses() * kPortsPerAddress;
        pair_first_ = pairs * index / shares;
        pair_count_ = pairs * (index + 1) / shares - pair_first_;
    }
    if (connect_rate > 0)
        interval_ = std::chrono::nanoseconds(
            static_cast<std::int64_t>(1e9 * static_cast<double>(shares) / connect_rate));
}

asio::awaitable<boost::system::error_code> Connector::connect(tcp::socket& socket) {
    constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
    auto executor = co_await asio::this_coro::executor;
    if (interval_.count() > 0) {
        auto now = std::chrono::steady_clock::now();
        auto at = std::max(now, next_connect_);
        next_connect_ = at + interval_;
        if (at > now) {
            asio::steady_timer pace(executor, at);
            co_await pace.async_wait(tuple);
        }
    }
    boost::system::error_code ec;
    socket.open(target_.protocol(), ec);
    if (ec) co_return ec;
    if (source_ && pair_count_ > 0) {
        // The next free pair of this share; a pair still in use (or in TIME_WAIT
        // towards the same target) is skipped.
        socket.set_option(tcp::socket::reuse_address(true), ec);
        for (int attempt = 0; attempt < 64; ++attempt) {
            auto pair = pair_first_ + next_pair_;
            next_pair_ = (next_pair_ + 1) % pair_count_;
            auto address = source_->first + static_cast<std::uint32_t>(pair / kPortsPerAddress);
            auto port = static_cast<std::uint16_t>(kFirstSourcePort + pair % kPortsPerAddress);
            socket.bind(tcp::endpoint(asio::ip::address_v4(address), port), ec);
            if (!ec) break;
        }
        if (ec) {
            boost::system::error_code ignored;
            socket.close(ignored);
            co_return ec;
        }
    }
    auto [connect_error] = co_await socket.async_connect(target_, tuple);
    if (connect_error) {
        boost::system::error_code ignored;
        socket.close(ignored);
        co_return connect_error;
    }
    socket.set_option(tcp::no_delay(true), ec);
    ++open_;
    co_return boost::system::error_code{};
}

}  // namespace mindme::loadgen
