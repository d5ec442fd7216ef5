#include "upstream/bedrock_stream.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <chrono>
#include <ctime>

#include "core/base64.hpp"
#include "core/digest.hpp"

namespace mindme::upstream {

namespace json = boost::json;
using Kind = UpstreamError::Kind;

namespace {

constexpr const char* kStreamingPayload = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

std::string wrap_input_event(const json::object& event) {
    EventMessage inner;
    inner.headers = {EventHeader::string(":event-type", "chunk"),
                     EventHeader::string(":content-type", "application/json"),
                     EventHeader::string(":message-type", "event")};
    inner.payload =
        json::serialize(json::object{{"bytes", core::base64_encode(json::serialize(event))}});
    return encode_event(inner);
}

boost::asio::awaitable<std::unique_ptr<BedrockStream>> BedrockStream::open(
    std::shared_ptr<Http2Connection> connection, const BedrockEndpoint& endpoint,
    const std::string& model, const AwsCredentials& credentials, Clock::time_point deadline) {
    auto path = "/model/" + boost::urls::encode(model, boost::urls::unreserved_chars) +
                "/invoke-with-bidirectional-stream";
    auto target = parse_target(endpoint.url + path);
    SigningScope scope{endpoint.region, "bedrock"};
    // HTTP/2 carries the host as :authority; SigV4 signs it as host.
    SignableRequest signable{
        "POST",
        target.request,
        "",
        {{"host", target.host_header}, {"content-type", "application/vnd.amazon.eventstream"}},
        kStreamingPayload};
    SigningOptions options;
    options.payload_hash_header = true;
    auto signature = sign_request(signable, credentials, scope, std::time(nullptr), options);
    std::vector<Header> headers{{"content-type", "application/vnd.amazon.eventstream"}};
    for (const auto& h : signature.headers) headers.push_back(h);
    std::unique_ptr<BedrockStream> s(new BedrockStream());
    s->stream_ = connection->start("POST", target, headers);
    s->credentials_ = credentials;
    s->scope_ = scope;
    s->prior_ = signature.signature;
    // Bedrock answers the headers at once, before any event: a silent upstream is caught
    // here rather than hanging the session.
    auto status = co_await s->stream_->status(deadline);
    if (status != 200) {
        std::string type;
        for (const auto& h : s->stream_->response_headers())
            if (h.name == "x-amzn-errortype") type = h.value.substr(0, h.value.find(':'));
        std::string body;
        while (auto piece = co_await s->stream_->read(deadline)) body += *piece;
        throw BedrockStreamError(type.empty() ? "HTTP " + std::to_string(status) : type, body,
                                 status);
    }
    co_return s;
}

BedrockStream::~BedrockStream() { cancel(); }

boost::asio::awaitable<void> BedrockStream::send_signed(std::string payload) {
    auto at = now_ms();
    auto signature = sign_event(payload, prior_, at, credentials_, scope_);
    prior_ = core::hex(signature);
    EventMessage outer;
    outer.headers = {EventHeader::timestamp(":date", at),
                     EventHeader::byte_buffer(":chunk-signature", signature)};
    outer.payload = std::move(payload);
    co_await stream_->write(encode_event(outer));
}

boost::asio::awaitable<void> BedrockStream::send(const json::object& event) {
    if (finished_) throw UpstreamError(Kind::kProtocol, "Bedrock stream: input already ended");
    co_await send_signed(wrap_input_event(event));
}

boost::asio::awaitable<void> BedrockStream::finish() {
    if (finished_) co_return;
    finished_ = true;
    co_await send_signed("");
    stream_->finish();
}

boost::asio::awaitable<std::optional<json::object>> BedrockStream::receive(
    Clock::time_point deadline) {
    for (;;) {
        if (auto message = decoder_.next()) {
            auto kind = message->string_header(":message-type").value_or("event");
            if (kind == "exception" || kind == "error") {
                auto type = std::string(
                    message->string_header(":exception-type")
                        .value_or(message->string_header(":error-code").value_or("error")));
                boost::system::error_code ec;
                auto body = json::parse(message->payload, ec);
                std::string text = message->payload;
                if (!ec && body.is_object() && body.as_object().contains("message") &&
                    body.as_object().at("message").is_string())
                    text = body.as_object().at("message").as_string();
                throw BedrockStreamError(type, text);
            }
            boost::system::error_code ec;
            auto outer = json::parse(message->payload, ec);
            const json::value* bytes =
                !ec && outer.is_object() ? outer.as_object().if_contains("bytes") : nullptr;
            auto decoded = bytes && bytes->is_string() ? core::base64_decode(bytes->as_string())
                                                       : std::nullopt;
            if (!decoded)
                throw UpstreamError(Kind::kProtocol, "Bedrock stream: an event without bytes");
            auto event = json::parse(*decoded, ec);
            if (ec || !event.is_object())
                throw UpstreamError(Kind::kProtocol, "Bedrock stream: an event is not JSON");
            co_return std::move(event.as_object());
        }
        auto piece = co_await stream_->read(deadline);
        if (!piece) co_return std::nullopt;
        try {
            decoder_.feed(*piece);
        } catch (const EventStreamError& e) {
            cancel();
            throw UpstreamError(Kind::kProtocol, e.what());
        }
    }
}

void BedrockStream::cancel() {
    if (stream_ && !stream_->closed()) stream_->reset();
}

}  // namespace mindme::upstream
