#include "upstream/connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "core/text.hpp"

namespace mindme::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Kind = UpstreamError::Kind;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

std::string error_text(const char* stage, const boost::system::error_code& ec) {
    return std::string(stage) + ": " + ec.message();
}

// What an error of an exchange's stage is: its deadline passing, or the peer breaking it.
UpstreamError io_error(const char* stage, const boost::system::error_code& ec, Kind otherwise) {
    if (ec == beast::error::timeout)
        return UpstreamError(Kind::kTimeout, std::string(stage) + ": timed out");
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit)
        return UpstreamError(Kind::kTooLarge, std::string(stage) + ": the response is too large");
    return UpstreamError(otherwise, error_text(stage, ec));
}

}  // namespace

struct Connection::Streams {
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;  // bytes read past one response belong to the next

    beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

Connection::Connection(std::unique_ptr<Streams> streams) : streams_(std::move(streams)) {}
Connection::~Connection() = default;

void Connection::close() {
    boost::system::error_code ignored;
    streams_->tcp().socket().close(ignored);
}

asio::awaitable<void> connect_tcp(beast::tcp_stream& stream, const Target& target,
                                  Clock::time_point deadline) {
    auto executor = stream.get_executor();
    tcp::resolver resolver(executor);
    // The resolver has no deadline of its own: a timer cancels it.
    asio::steady_timer timer(executor, deadline);
    timer.async_wait([&resolver](boost::system::error_code ec) {
        if (!ec) resolver.cancel();
    });
    auto [rec, endpoints] = co_await resolver.async_resolve(target.host, target.port, kAwait);
    timer.cancel();
    if (rec) {
        if (rec == asio::error::operation_aborted)
            throw UpstreamError(Kind::kTimeout, "resolve " + target.host + ": timed out");
        throw UpstreamError(Kind::kConnect, error_text(("resolve " + target.host).c_str(), rec));
    }
    stream.expires_at(deadline);
    auto [cec, ep] = co_await stream.async_connect(endpoints, kAwait);
    if (cec) throw io_error(("connect " + target.origin).c_str(), cec, Kind::kConnect);
    stream.socket().set_option(tcp::no_delay(true));
}

asio::awaitable<void> handshake_tls(beast::ssl_stream<beast::tcp_stream>& ssl, const Target& target,
                                    std::string_view alpn) {
    // SNI names the host; the verify callback checks the certificate is for it (a DNS name
    // or, for an address literal, an IP SAN).
    if (SSL_ctrl(ssl.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(target.host.c_str())) != 1)
        throw UpstreamError(Kind::kConnect, "cannot set the TLS server name");
    if (!alpn.empty()) {
        std::string wire(1, static_cast<char>(alpn.size()));
        wire += alpn;
        if (SSL_set_alpn_protos(ssl.native_handle(),
                                reinterpret_cast<const unsigned char*>(wire.data()),
                                static_cast<unsigned>(wire.size())) != 0)
            throw UpstreamError(Kind::kConnect, "cannot offer ALPN");
    }
    ssl.set_verify_mode(asio::ssl::verify_peer);
    ssl.set_verify_callback(asio::ssl::host_name_verification(target.host));
    auto [hec] = co_await ssl.async_handshake(asio::ssl::stream_base::client, kAwait);
    if (hec) {
        auto detail = hec.message();
        auto verify = SSL_get_verify_result(ssl.native_handle());
        if (verify != X509_V_OK) detail = X509_verify_cert_error_string(verify);
        if (hec == beast::error::timeout)
            throw UpstreamError(Kind::kTimeout,
                                "TLS handshake with " + target.origin + ": timed out");
        throw UpstreamError(Kind::kConnect, "TLS handshake with " + target.origin + ": " + detail);
    }
    if (!alpn.empty()) {
        const unsigned char* chosen = nullptr;
        unsigned length = 0;
        SSL_get0_alpn_selected(ssl.native_handle(), &chosen, &length);
        if (std::string_view(reinterpret_cast<const char*>(chosen), length) != alpn)
            throw UpstreamError(Kind::kConnect,
                                target.origin + " does not speak " + std::string(alpn));
    }
}

asio::awaitable<std::unique_ptr<Connection>> Connection::open(asio::any_io_executor executor,
                                                              const Target& target,
                                                              asio::ssl::context* tls,
                                                              Clock::time_point deadline) {
    auto streams = std::make_unique<Streams>();
    if (tls) {
        streams->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, *tls);
    } else {
        streams->plain = std::make_unique<beast::tcp_stream>(executor);
    }
    co_await connect_tcp(streams->tcp(), target, deadline);
    if (tls) co_await handshake_tls(*streams->secure, target, "");
    co_return std::unique_ptr<Connection>(new Connection(std::move(streams)));
}

asio::awaitable<ClientResponse> Connection::exchange(const Target& target,
                                                     const ClientRequest& request,
                                                     ExchangeDeadlines deadlines,
                                                     std::size_t max_bytes, Progress& progress) {
    reusable_ = false;
    auto verb = bhttp::string_to_verb(request.method);
    if (verb == bhttp::verb::unknown)
        throw UpstreamError(Kind::kBadUrl, "unknown method " + request.method);
    bhttp::request<bhttp::string_body> req{verb, target.request, 11};
    req.set(bhttp::field::host, target.host_header);
    req.set(bhttp::field::user_agent, "mindme/" MINDME_VERSION);
    for (const auto& h : request.headers) req.insert(h.name, h.value);
    req.body() = request.body;
    req.keep_alive(true);
    req.prepare_payload();

    auto& tcp_stream = streams_->tcp();
    tcp_stream.expires_at(deadlines.first_byte);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(max_bytes);
    parser.header_limit(kHeaderLimit);
    if (verb == bhttp::verb::head) parser.skip(true);

    auto run = [&](auto& stream) -> asio::awaitable<void> {
        auto [wec, wn] = co_await bhttp::async_write(stream, req, kAwait);
        if (wec) throw io_error("send", wec, Kind::kProtocol);
        progress.written = true;
        auto before = streams_->buffer.size();
        auto [hec, hn] =
            co_await bhttp::async_read_header(stream, streams_->buffer, parser, kAwait);
        if (hn > 0 || streams_->buffer.size() > before) progress.got_response = true;
        if (hec) throw io_error("response head", hec, Kind::kProtocol);
        tcp_stream.expires_at(deadlines.last_byte);
        if (!parser.is_done()) {
            auto [bec, bn] = co_await bhttp::async_read(stream, streams_->buffer, parser, kAwait);
            if (bec) throw io_error("response body", bec, Kind::kProtocol);
        }
    };
    if (streams_->secure)
        co_await run(*streams_->secure);
    else
        co_await run(*streams_->plain);
    tcp_stream.expires_never();

    auto& msg = parser.get();
    ClientResponse response;
    response.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg)
        response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    response.body = std::move(msg.body());
    reusable_ = msg.keep_alive();
    idle_since_ = Clock::now();
    co_return response;
}

}  // namespace mindme::upstream
