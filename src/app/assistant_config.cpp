#include "app/assistant_routes.hpp"
#include "core/config.hpp"

namespace mindme::app {

void declare_assistant_config(core::ConfigSchema& schema) {
    schema.add_bool("assistant.enabled", false,
                    "The assistant (POST /v1/assistant) on Amazon Bedrock. Needs AWS credentials "
                    "(environment, shared file, or the instance role): without them the process "
                    "refuses to start. Off: 503.");
    schema.add_string("assistant.region", "us-east-1", "The AWS region of Bedrock.");
    schema.add_string(
        "assistant.endpoint", "",
        "Bedrock's runtime URL; empty: https://bedrock-runtime.<region>.amazonaws.com "
        "(a stand-in's in tests).");
    schema.add_string("assistant.text_model_id", "us.amazon.nova-2-lite-v1:0",
                      "The model (or inference profile) that answers text questions through "
                      "Converse.");
    schema.add_string("assistant.voice_model_id", "amazon.nova-2-sonic-v1:0",
                      "The speech-to-speech model of voice sessions (Nova 2 Sonic; Nova Sonic v1 "
                      "reached its end of life on 2026-09-14).");
    schema.add_string("assistant.voice_id", "matthew",
                      "The voice of voice sessions whose start message names none.");
    schema.add_int("assistant.voice_first_byte_ms", 10'000, 100, 120'000,
                   "How long Bedrock may take to answer a voice stream's request before the "
                   "session ends with 503-like error (a silent upstream never hangs a session).");
    schema.add_int("assistant.voice_stream_seconds", 420, 1, 470,
                   "A voice stream's age past which it is reopened, between turns, with the "
                   "conversation replayed (Bedrock ends streams at 8 minutes).");
    schema.add_int("assistant.voice_idle_seconds", 120, 1, 3600,
                   "A voice session with no audio from its client for this long ends, freeing "
                   "its slot.");
    schema.add_int("assistant.max_concurrent", 1000, 1, 1'000'000,
                   "Bedrock calls and voice streams in flight at once in this process (the "
                   "seed's quota: 1,000). With several processes, give each its share.");
    schema.add_int("assistant.queue_size", 1000, 0, 1'000'000,
                   "Requests that may wait for a free slot, first come first served; past it 429 "
                   "with Retry-After.");
    schema.add_int("assistant.queue_timeout_ms", 10'000, 1, 600'000,
                   "How long a request waits for a slot before 503 with Retry-After.");
    schema.add_int("assistant.max_attempts", 3, 1, 10,
                   "Attempts of a Bedrock call that is throttled or fails transiently (AWS's "
                   "standard retry mode: full jitter 1 s to 20 s, within a retry budget).");
    schema.add_int("assistant.cache_ttl_seconds", 300, 0, 86'400,
                   "How long a text answer is reused for the same question over the same "
                   "memory versions; 0: never.");
    schema.add_int("assistant.cache_entries", 10'000, 0, 10'000'000,
                   "Text answers kept at most (least recently used go first).");
    schema.add_int("assistant.max_tool_rounds", 4, 0, 16,
                   "Rounds of tool use (search_memories, create_memory) one question may take.");
    schema.add_int("assistant.max_tokens", 1024, 1, 10'000, "The longest answer, in tokens.");
    schema.add_int("assistant.timeout_ms", 60'000, 1000, 600'000,
                   "The longest a question may take, retries and tool rounds included.");
    schema.add_string("assistant.imds_url", "http://169.254.169.254",
                      "The EC2 instance metadata service, for the instance role's credentials.");
}

bool Assistant::enabled(const core::Config& config) { return config.get_bool("assistant.enabled"); }

}  // namespace mindme::app
