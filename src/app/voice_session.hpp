#pragma once
// GET /v1/assistant/voice: a client's WebSocket joined to one Nova Sonic bidirectional
// stream. The client sends {"type":"start"}, then binary frames of 16 kHz 16-bit mono
// PCM, then {"type":"end"}; it hears 24 kHz PCM as binary frames and JSON frames (the
// transcript of what it said, the assistant's text, "interrupted" when it spoke over the
// assistant, errors). A session holds one slot of the gateway's quota for its life; its
// stream is reopened with the conversation replayed when Bedrock ends it (the 8-minute
// limit, reached early on purpose between turns, or ModelTimeoutException); a client that
// goes away ends the stream cleanly upstream; neither side's backlog grows without bound.
// Sessions run on the outbound client's loop, where their HTTP/2 streams live.
#include <chrono>
#include <memory>
#include <string>

#include "http/websocket.hpp"
#include "metrics/fwd.hpp"
#include "upstream/bedrock.hpp"

namespace mindme::upstream {
class Gateway;
}

namespace mindme::app {

class AssistantTools;

struct VoiceOptions {
    std::string model = "amazon.nova-2-sonic-v1:0";
    std::string voice = "matthew";  // when the client names none
    std::string system_prompt;
    std::int64_t max_tokens = 1024;
    std::chrono::milliseconds first_byte{10'000};  // Bedrock's answer to a stream's request
    std::chrono::seconds stream_life{420};         // reopened between turns past this (limit: 480)
    std::chrono::seconds idle{120};                // no audio for this long ends the session
};

class VoiceSessions {
public:
    VoiceSessions(VoiceOptions options, upstream::HttpClient& client,
                  upstream::AwsCredentialsProvider& credentials, upstream::Gateway& gateway,
                  upstream::BedrockEndpoint endpoint, AssistantTools& tools,
                  metrics::Registry& registry);
    ~VoiceSessions();

    // The WebSocket handler of one session of `user_id`.
    http::WebSocketHandler handler(std::string user_id);
    // Ends every session cleanly (the server is stopping); the client's loop still runs.
    void stop();

    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace mindme::app
