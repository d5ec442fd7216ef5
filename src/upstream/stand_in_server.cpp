#include "upstream/stand_in_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <thread>

#include "core/text.hpp"

namespace mindme::upstream::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
}

std::string Received::header(const std::string& name) const {
    for (const auto& h : headers)
        if (core::ascii_lower(h.name) == core::ascii_lower(name)) return h.value;
    return "";
}

Reply Reply::paused(std::chrono::milliseconds pause, int status) {
    Reply r;
    r.status = status;
    r.pause = pause;
    return r;
}

Reply Reply::hanging() {
    Reply r;
    r.hang = true;
    return r;
}

Reply Reply::closing() {
    Reply r;
    r.close = true;
    return r;
}

struct StandInServer::Impl {
    Impl(Script s, const TlsFiles* files)
        : script(std::move(s)), acceptor(loop), tls(asio::ssl::context::tls_server) {
        if (files) {
            use_tls = true;
            tls.use_certificate_chain_file(files->cert);
            tls.use_private_key_file(files->key, asio::ssl::context::pem);
        }
        tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen();
        asio::co_spawn(loop, accept(), asio::detached);
        thread = std::thread([this] { loop.run(); });
    }

    ~Impl() {
        asio::post(loop, [this] { loop.stop(); });
        thread.join();
    }

    asio::awaitable<void> accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(kAwait);
            if (ec) co_return;
            int index = 0;
            {
                std::lock_guard lock(mutex);
                index = ++accepted;
            }
            asio::co_spawn(loop, serve(std::move(socket), index), asio::detached);
        }
    }

    asio::awaitable<void> serve(tcp::socket socket, int index) {
        if (use_tls) {
            beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls);
            auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kAwait);
            if (!ec) co_await exchange(stream, index);
        } else {
            beast::tcp_stream stream(std::move(socket));
            co_await exchange(stream, index);
        }
    }

    template <class Stream>
    asio::awaitable<void> exchange(Stream& stream, int index) {
        beast::flat_buffer buffer;
        for (;;) {
            bhttp::request<bhttp::string_body> req;
            auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, kAwait);
            if (ec) co_return;
            Received got{std::string(req.method_string()),
                         std::string(req.target()),
                         {},
                         req.body(),
                         index,
                         Clock::now()};
            for (const auto& f : req)
                got.headers.push_back({std::string(f.name_string()), std::string(f.value())});
            {
                std::lock_guard lock(mutex);
                log.push_back(got);
                most = std::max(most, ++open);
            }
            auto reply = script(got);
            if (reply.pause.count() > 0 || reply.hang) {
                asio::steady_timer timer(loop, reply.hang ? std::chrono::hours(1) : reply.pause);
                co_await timer.async_wait(kAwait);
            }
            if (reply.close) {
                std::lock_guard lock(mutex);
                --open;
                co_return;
            }
            bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(reply.status), 11};
            for (const auto& h : reply.headers) res.insert(h.name, h.value);
            res.body() = reply.body;
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            auto [wec, wn] = co_await bhttp::async_write(stream, res, kAwait);
            {
                std::lock_guard lock(mutex);
                --open;
            }
            if (wec || !req.keep_alive()) co_return;
        }
    }

    Script script;
    asio::io_context loop;
    tcp::acceptor acceptor;
    asio::ssl::context tls;
    bool use_tls = false;
    mutable std::mutex mutex;
    std::vector<Received> log;
    int accepted = 0;
    int open = 0;  // requests being answered
    int most = 0;
    std::thread thread;
};

StandInServer::StandInServer(Script script, const TlsFiles* tls)
    : impl_(std::make_unique<Impl>(std::move(script), tls)) {}
StandInServer::~StandInServer() = default;

unsigned short StandInServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string StandInServer::url(const std::string& path, const std::string& host) const {
    return std::string(impl_->use_tls ? "https://" : "http://") + host + ":" +
           std::to_string(port()) + path;
}

std::vector<Received> StandInServer::received() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->log;
}

int StandInServer::max_concurrent() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->most;
}

int StandInServer::connections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->accepted;
}

}  // namespace mindme::upstream::testing
