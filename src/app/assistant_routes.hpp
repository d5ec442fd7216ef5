#pragma once
// POST /v1/assistant: a question about the user's own memories, answered by a Bedrock
// text model through Converse. The memories named are given as context; the model may
// call two tools that run here for that user (search_memories, create_memory) for a few
// rounds. Every call goes through the gateway (the quota's slots and queue, retries);
// answers are cached by model, normalised prompt and the versions of the memories given,
// and identical questions in flight share one call. GET /v1/assistant/voice is a voice
// conversation (voice_session.hpp). Off unless assistant.enabled (503).
#include <memory>
#include <optional>
#include <string>

#include "auth/authenticator.hpp"
#include "core/config_fwd.hpp"
#include "http/router.hpp"
#include "metrics/fwd.hpp"
#include "search/search.hpp"
#include "store/memories.hpp"

namespace mindme::upstream {
class HttpClient;
}

namespace mindme::app {

void declare_assistant_config(core::ConfigSchema& schema);

class Assistant {
public:
    // Off (assistant.enabled false): the route answers 503. On: credentials are found
    // now, or this throws std::runtime_error saying where it looked.
    Assistant(const core::Config& config, store::MemoryStore& memories, search::SearchIndex& index,
              auth::Authenticator& auth, upstream::HttpClient* client, metrics::Registry& registry);
    ~Assistant();
    void add_routes(http::Router& router);
    static bool enabled(const core::Config& config);
    // Ends the voice sessions (the server is stopping).
    void stop();

private:
    boost::asio::awaitable<http::Response> ask(http::Request& req);
    boost::asio::awaitable<http::Response> talk(http::Request& req);
    struct Impl;
    std::unique_ptr<Impl> impl_;
    auth::Authenticator& auth_;
};

}  // namespace mindme::app
