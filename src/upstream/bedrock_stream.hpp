#pragma once
// One InvokeModelWithBidirectionalStream call (Nova Sonic's only API) on an HTTP/2
// connection: each input event (JSON) wrapped in an event-stream message, that message
// signed in the SigV4 chain (each signature over the one before, from the request's) and
// sent; output events read and unwrapped as they arrive. An exception event (throttling,
// model timeout, validation...) ends the stream as a BedrockStreamError of its type.
// Call from the connection's executor only.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "upstream/bedrock.hpp"
#include "upstream/event_stream.hpp"
#include "upstream/http2_connection.hpp"
#include "upstream/sigv4.hpp"

namespace mindme::upstream {

struct BedrockStreamError : std::runtime_error {
    BedrockStreamError(std::string error_type, const std::string& message, int http_status = 0)
        : std::runtime_error(error_type + ": " + message),
          type(std::move(error_type)),
          status(http_status) {}
    std::string type;  // ThrottlingException, ModelTimeoutException, ...
    int status;        // the answer's status when the stream was refused; 0 mid-stream
};

class BedrockStream {
public:
    // Opens the stream and checks the answer's status (200) by `deadline`.
    static boost::asio::awaitable<std::unique_ptr<BedrockStream>> open(
        std::shared_ptr<Http2Connection> connection, const BedrockEndpoint& endpoint,
        const std::string& model, const AwsCredentials& credentials, Clock::time_point deadline);
    ~BedrockStream();

    // Sends one input event ({"event": {...}}), signed in the chain.
    boost::asio::awaitable<void> send(const boost::json::object& event);
    // Sends the final signed empty message and ends the request body.
    boost::asio::awaitable<void> finish();
    // The next output event ({"event": {...}}); nullopt when the stream ended.
    boost::asio::awaitable<std::optional<boost::json::object>> receive(Clock::time_point deadline);
    // Ends the stream at once (the peer sees it cancelled).
    void cancel();

private:
    BedrockStream() = default;
    boost::asio::awaitable<void> send_signed(std::string payload);

    std::shared_ptr<Http2Stream> stream_;
    AwsCredentials credentials_;
    SigningScope scope_;
    std::string prior_;  // hex signature of the last message (the request's at first)
    EventDecoder decoder_;
    bool finished_ = false;
};

// An input event as Bedrock wants it inside the signed message: an event-stream message
// (":event-type" chunk, JSON) whose payload is {"bytes": base64(event)}.
std::string wrap_input_event(const boost::json::object& event);

}  // namespace mindme::upstream
