#include "upstream/http2_pool.hpp"

#include <algorithm>

namespace mindme::upstream {

namespace asio = boost::asio;

Http2Pool::Http2Pool(asio::any_io_executor executor, asio::ssl::context& tls,
                     std::size_t max_streams)
    : executor_(std::move(executor)), tls_(tls), max_streams_(max_streams) {}

Http2Pool::~Http2Pool() { close(); }

bool Http2Pool::has_room(const Http2Connection& connection) const {
    return connection.usable() &&
           connection.open_streams() < std::min(max_streams_, connection.stream_limit());
}

asio::awaitable<std::shared_ptr<Http2Connection>> Http2Pool::connection(
    const Target& target, Clock::time_point deadline) {
    // Each round either finds room or waits for one opening; a connection opened for many
    // waiters may fill before this one looks again, hence the loop.
    for (;;) {
        if (closed_) throw UpstreamError(UpstreamError::Kind::kConnect, "HTTP/2: client stopped");
        auto& origin = origins_[target.origin];
        auto& open = origin.open;
        std::erase_if(open, [](const auto& c) { return !c->usable(); });
        // One idle connection is enough to keep warm.
        bool idle_kept = false;
        std::erase_if(open, [&](const auto& c) {
            if (c->open_streams() > 0) return false;
            if (!idle_kept) return !(idle_kept = true);
            c->close();
            return true;
        });
        for (const auto& c : open)
            if (has_room(*c)) co_return c;
        auto* pool = this;
        auto opened = co_await origin.opening.run(
            [pool, &target, deadline]() -> asio::awaitable<std::shared_ptr<Http2Connection>> {
                auto c = co_await Http2Connection::open(
                    pool->executor_, target, target.tls ? &pool->tls_ : nullptr, deadline);
                if (pool->closed_) {
                    c->close();
                } else {
                    pool->origins_[target.origin].open.push_back(c);
                }
                co_return c;
            });
        (void)opened;
    }
}

void Http2Pool::close() {
    closed_ = true;
    for (auto& [key, origin] : origins_) {
        for (auto& c : origin.open) c->close();
        origin.open.clear();
    }
}

std::size_t Http2Pool::connections() const {
    std::size_t n = 0;
    for (const auto& [key, origin] : origins_) n += origin.open.size();
    return n;
}

}  // namespace mindme::upstream
