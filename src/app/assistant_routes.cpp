#include "app/assistant_routes.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "app/assistant_tools.hpp"
#include "app/json_body.hpp"
#include "app/limits.hpp"
#include "app/openapi_doc.hpp"
#include "app/route_table.hpp"
#include "app/voice_session.hpp"
#include "auth/authenticator.hpp"
#include "core/await_now.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "core/unicode.hpp"
#include "upstream/answer_cache.hpp"
#include "upstream/aws_credentials.hpp"
#include "upstream/bedrock.hpp"
#include "upstream/gateway.hpp"

namespace mindme::app {

namespace json = boost::json;
using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

constexpr const char* kSystemPrompt =
    "You are MindMe's assistant. Answer the user's question from their own memories: the "
    "ones given below, and any you find with the search_memories tool. When they ask you to "
    "remember something, save it with create_memory. Be brief.";

// Questions that differ only in case, spacing or Unicode form ask the same thing.
std::string normalised(const std::string& prompt) {
    return core::collapse_spaces(core::casefold(core::nfc(prompt)));
}

std::string memory_context(const std::vector<store::Memory>& memories) {
    std::string text;
    for (const auto& m : memories)
        text += "Memory " + m.id + " (" + core::format_rfc3339_ms(m.updated_at_ms) +
                "): " + m.title + (m.body.empty() ? "" : "\n" + m.body) + "\n\n";
    return text;
}

constexpr const char* kVoiceProtocol =
    "Upgrade to WebSocket with the token in Authorization or ?token=. Client to server: "
    "{\"type\":\"start\",\"voice\"?,\"system_prompt\"?} first, then binary frames of "
    "16 kHz 16-bit mono little-endian PCM, and {\"type\":\"end\"} to finish. Server to "
    "client: {\"type\":\"ready\"} once the model listens; binary frames of 24 kHz 16-bit "
    "mono PCM (the assistant's voice); {\"type\":\"transcript\",\"text\"} (what the user "
    "said); {\"type\":\"text\",\"text\",\"final\"} (what the assistant says; final false "
    "before its audio); {\"type\":\"interrupted\"} (the user spoke over it: stop playing "
    "its audio); {\"type\":\"turn_end\"}; {\"type\":\"error\",\"error\":{\"code\","
    "\"message\",\"retry_after\"?}} then a close (1013: try again later; 1008: a broken "
    "protocol; 1011: a failure). After end, the session closes with 1000 once the assistant "
    "has finished.";

}  // namespace

struct Assistant::Impl {
    Impl(const core::Config& c, store::MemoryStore& m, search::SearchIndex& i,
         upstream::HttpClient& client, metrics::Registry& registry)
        : memories(m),
          tools(m, i),
          model(c.get_string("assistant.text_model_id")),
          max_rounds(static_cast<int>(c.get_int("assistant.max_tool_rounds"))),
          max_tokens(c.get_int("assistant.max_tokens")),
          timeout(c.get_int("assistant.timeout_ms")),
          credentials(client, credential_options(c)),
          gateway(gateway_options(c), registry, "bedrock"),
          cache(static_cast<std::size_t>(c.get_int("assistant.cache_entries")),
                std::chrono::seconds(c.get_int("assistant.cache_ttl_seconds")), registry,
                "bedrock"),
          bedrock(client, credentials, endpoint(c)),
          voice(voice_options(c), client, credentials, gateway, endpoint(c), tools, registry) {
        core::await_now(
            credentials.resolve(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
        core::log::info("assistant credentials",
                        core::log::Fields().add("source", credentials.source()));
    }

    static upstream::AwsCredentialOptions credential_options(const core::Config& c) {
        upstream::AwsCredentialOptions o;
        o.imds_url = c.get_string("assistant.imds_url");
        return o;
    }
    static upstream::GatewayOptions gateway_options(const core::Config& c) {
        upstream::GatewayOptions o;
        o.max_concurrent = static_cast<std::size_t>(c.get_int("assistant.max_concurrent"));
        o.queue_size = static_cast<std::size_t>(c.get_int("assistant.queue_size"));
        o.queue_timeout = std::chrono::milliseconds(c.get_int("assistant.queue_timeout_ms"));
        o.max_attempts = static_cast<int>(c.get_int("assistant.max_attempts"));
        return o;
    }
    static VoiceOptions voice_options(const core::Config& c) {
        VoiceOptions o;
        o.model = c.get_string("assistant.voice_model_id");
        o.voice = c.get_string("assistant.voice_id");
        o.max_tokens = c.get_int("assistant.max_tokens");
        o.first_byte = std::chrono::milliseconds(c.get_int("assistant.voice_first_byte_ms"));
        o.stream_life = std::chrono::seconds(c.get_int("assistant.voice_stream_seconds"));
        o.idle = std::chrono::seconds(c.get_int("assistant.voice_idle_seconds"));
        return o;
    }
    static upstream::BedrockEndpoint endpoint(const core::Config& c) {
        auto region = c.get_string("assistant.region");
        auto url = c.get_string("assistant.endpoint");
        return {url.empty() ? upstream::bedrock_runtime_url(region) : url, region};
    }

    // One Converse call through the gateway; the answer's message, or the error a user
    // should see.
    boost::asio::awaitable<json::object> converse(const json::array& messages,
                                                  std::chrono::steady_clock::time_point deadline) {
        json::object body{{"system", json::array{json::object{{"text", kSystemPrompt}}}},
                          {"messages", messages},
                          {"inferenceConfig", {{"maxTokens", max_tokens}, {"temperature", 0.3}}},
                          {"toolConfig", {{"tools", tools.converse_specs()}}}};
        auto text = json::serialize(body);
        upstream::ClientResponse response;
        // Named: GCC 12 and temporaries in co_await.
        upstream::Gateway::Attempt attempt = [this, &text, deadline]() {
            return bedrock.converse(model, text, deadline);
        };
        try {
            response = co_await gateway.call(attempt, deadline);
        } catch (const upstream::UpstreamError& e) {
            core::log::warn("assistant upstream failed",
                            core::log::Fields().add("error", e.what()));
            throw ApiError(ErrorCode::kUnavailable,
                           "the assistant's model cannot be reached; retry shortly", 5);
        }
        if (response.status == 429 || response.status >= 500)
            throw ApiError(ErrorCode::kUnavailable, "the assistant's model is busy; retry shortly",
                           5);
        boost::system::error_code ec;
        auto parsed = json::parse(response.body, ec);
        if (response.status != 200 || ec || !parsed.is_object()) {
            core::log::warn("assistant upstream refused",
                            core::log::Fields()
                                .add("status", response.status)
                                .add("error", upstream::aws_error_type(response)));
            throw ApiError(ErrorCode::kInternal, "the assistant's model refused the request");
        }
        co_return std::move(parsed.as_object());
    }

    boost::asio::awaitable<upstream::AnswerCache::Produced> answer(std::string user_id,
                                                                   std::string prompt,
                                                                   std::string context) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        json::array messages{json::object{
            {"role", "user"},
            {"content",
             json::array{json::object{
                 {"text", (context.empty() ? "" : "My memories:\n\n" + context) + prompt}}}}}};
        bool wrote = false;
        for (int round = 0;; ++round) {
            auto reply = co_await converse(messages, deadline);
            const auto* output = reply.if_contains("output");
            const auto* message = output && output->is_object()
                                      ? output->as_object().if_contains("message")
                                      : nullptr;
            if (!message || !message->is_object())
                throw ApiError(ErrorCode::kInternal, "the assistant's model gave no message");
            const auto* content = message->as_object().if_contains("content");
            std::string text;
            json::array results;
            if (content && content->is_array()) {
                for (const auto& block : content->as_array()) {
                    if (!block.is_object()) continue;
                    const auto& b = block.as_object();
                    if (const auto* t = b.if_contains("text"); t && t->is_string())
                        text += t->as_string();
                    if (const auto* use = b.if_contains("toolUse");
                        use && use->is_object() && round < max_rounds) {
                        const auto& u = use->as_object();
                        const auto* input = u.if_contains("input");
                        auto name = u.contains("name") && u.at("name").is_string()
                                        ? std::string(u.at("name").as_string())
                                        : std::string();
                        auto args =
                            input && input->is_object() ? input->as_object() : json::object{};
                        auto result = co_await tools.run(user_id, std::move(name), std::move(args),
                                                         wrote, deadline);
                        const auto* id = u.if_contains("toolUseId");
                        json::object tool_result{
                            {"toolUseId", id ? *id : json::value("")},
                            {"content", json::array{json::object{{"json", std::move(result)}}}}};
                        results.push_back(json::object{{"toolResult", std::move(tool_result)}});
                    }
                }
            }
            if (results.empty()) co_return upstream::AnswerCache::Produced{text, !wrote};
            messages.push_back(*message);
            messages.push_back({{"role", "user"}, {"content", std::move(results)}});
        }
    }

    store::MemoryStore& memories;
    AssistantTools tools;
    std::string model;
    int max_rounds;
    std::int64_t max_tokens;
    std::chrono::milliseconds timeout;
    upstream::AwsCredentialsProvider credentials;
    upstream::Gateway gateway;
    upstream::AnswerCache cache;
    upstream::BedrockClient bedrock;
    VoiceSessions voice;
};

Assistant::Assistant(const core::Config& config, store::MemoryStore& memories,
                     search::SearchIndex& index, auth::Authenticator& auth,
                     upstream::HttpClient* client, metrics::Registry& registry)
    : auth_(auth) {
    if (enabled(config) && client)
        impl_ = std::make_unique<Impl>(config, memories, index, *client, registry);
}

Assistant::~Assistant() = default;

boost::asio::awaitable<Response> Assistant::ask(Request& req) {
    auto user = co_await auth_.authenticate(req);
    if (!impl_)
        throw ApiError(ErrorCode::kUnavailable, "the assistant is not enabled on this server");
    auto body = parse_json_object(req);
    auto prompt = require_string(body, "prompt");
    auto n = code_points(prompt);
    if (n < 1 || n > kMaxPromptChars || core::trim(prompt, " \t\r\n").empty())
        throw ApiError(ErrorCode::kUnprocessable, "prompt must be 1 to 4000 characters");
    std::vector<std::string> ids;
    if (const auto* list = body.if_contains("memory_ids"); list && !list->is_null()) {
        if (!list->is_array())
            throw ApiError(ErrorCode::kUnprocessable, "memory_ids must be an array of strings");
        for (const auto& id : list->as_array()) {
            if (!id.is_string())
                throw ApiError(ErrorCode::kUnprocessable, "memory_ids must be an array of strings");
            ids.emplace_back(id.as_string());
        }
        if (ids.size() > kMaxContextMemories)
            throw ApiError(ErrorCode::kUnprocessable, "memory_ids must hold at most 20 ids");
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<store::Memory> context;
    // The key holds every memory's version: an edit asks again.
    auto key = impl_->model + "\n" + normalised(prompt);
    for (auto& id : ids) {
        auto uid = user.id;
        auto copy = id;
        auto memory = co_await impl_->memories.find(std::move(uid), std::move(copy), req.deadline);
        if (!memory) throw ApiError(ErrorCode::kNotFound, "no such memory: " + id);
        key += "\n" + memory->id + ":" + std::to_string(memory->version);
        context.push_back(std::move(*memory));
    }
    key = user.id + "\n" + key;  // tools read and write the user's own data
    auto* impl = impl_.get();
    auto text = memory_context(context);
    upstream::AnswerCache::Produce produce = [impl, uid = user.id, prompt, text]() {
        return impl->answer(uid, prompt, text);
    };  // named: GCC 12 and temporaries in co_await
    auto answer = co_await impl_->cache.get(key, produce);
    json::object out{{"reply", answer.text}, {"cached", answer.cached}};
    auto r = Response::json(200, json::serialize(out));
    r.set_header("Cache-Control", "no-store");
    co_return r;
}

boost::asio::awaitable<Response> Assistant::talk(Request& req) {
    auto token = auth::socket_token(req);
    auto user = co_await auth_.user_for(token, req.deadline);
    if (!impl_)
        throw ApiError(ErrorCode::kUnavailable, "the assistant is not enabled on this server");
    co_return Response::websocket(impl_->voice.handler(user.id));
}

void Assistant::stop() {
    if (impl_) impl_->voice.stop();
}

void Assistant::add_routes(http::Router& router) {
    using namespace doc;
    auto request = json_request(
        {{"type", "object"},
         {"required", json::array{"prompt"}},
         {"properties",
          {{"prompt", {{"type", "string"}, {"minLength", 1}, {"maxLength", kMaxPromptChars}}},
           {"memory_ids",
            {{"type", "array"},
             {"maxItems", kMaxContextMemories},
             {"items", {{"type", "string"}}}}}}}});
    json::value reply{{"type", "object"},
                      {"properties",
                       {{"reply", {{"type", "string"}}},
                        {"cached",
                         {{"type", "boolean"},
                          {"description",
                           "The same question over the same memory versions was "
                           "answered before (or at the same time)."}}}}}};
    auto voice_responses = socket_responses();
    voice_responses["503"] = described("The assistant is off");
    add_route_table(
        router,
        {"assistant",
         true,
         {{"POST",
           "/v1/assistant",
           [this](Request& r) { return ask(r); },
           {"Ask the assistant about your memories",
            {{"description",
              "The memories named are the model's context; it may search the user's memories "
              "and save new ones (tools)."},
             {"requestBody", request}},
            {{"200", with_body("The answer", reply)},
             {"404", described("A memory id is not one of the user's")},
             {"422", described("prompt or memory_ids invalid; the message names the field")},
             {"429", described("The assistant's queue is full: retry after Retry-After")},
             {"503", described("The assistant is off, or busy past the queue timeout, or its "
                               "model cannot be reached: retry after Retry-After")}}}},
          {"GET",
           "/v1/assistant/voice",
           [this](Request& r) { return talk(r); },
           {"Talk with the assistant (a WebSocket)",
            {{"description", kVoiceProtocol}, {"parameters", socket_token_params()}},
            std::move(voice_responses)}}}});
}

}  // namespace mindme::app
