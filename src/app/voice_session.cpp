#include "app/voice_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <deque>
#include <set>

#include "app/assistant_tools.hpp"
#include "app/json_body.hpp"
#include "app/limits.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "metrics/registry.hpp"
#include "upstream/bedrock_stream.hpp"
#include "upstream/gateway.hpp"
#include "upstream/http2_pool.hpp"
#include "upstream/nova_sonic.hpp"

namespace mindme::app {

namespace asio = boost::asio;
namespace json = boost::json;
namespace sonic = upstream::sonic;
using namespace asio::experimental::awaitable_operators;
using core::ApiError;
using core::ErrorCode;
using upstream::Clock;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kStartTimeout{10};
// What is in transit from the client's loop to ours, at most (reading pauses well before).
constexpr std::size_t kHardCap = 1024 * 1024;
// After the input ended: how long the model may take to finish what it says.
constexpr std::chrono::seconds kDrain{10};
constexpr std::chrono::seconds kDrainGone{2};
// After the age limit, how long a turn in progress may run before the stream is reopened
// anyway (Bedrock's limit is 8 minutes).
constexpr std::chrono::seconds kTurnGrace{45};
// Streams that end without any output, in a row, before the session gives up.
constexpr int kMaxBareReopens = 3;
constexpr std::chrono::seconds kToolTimeout{10};

constexpr const char* kSystemPrompt =
    "You are MindMe's voice assistant. Answer from the user's own memories, which you can "
    "search with the search_memories tool; when they ask you to remember something, save it "
    "with create_memory. Keep answers short and conversational.";

http::CloseCode close_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::kRateLimited:
        case ErrorCode::kUnavailable:
            return http::CloseCode::kTryAgainLater;
        case ErrorCode::kInternal:
            return http::CloseCode::kInternalError;
        case ErrorCode::kRequestTimeout:  // idle: the session simply ended
            return http::CloseCode::kNormal;
        default:
            return http::CloseCode::kPolicyViolation;
    }
}

bool valid_voice(std::string_view voice) {
    if (voice.empty() || voice.size() > 40) return false;
    for (char c : voice)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    return true;
}

}  // namespace

struct VoiceSessions::Impl {
    Impl(VoiceOptions o, upstream::HttpClient& c, upstream::AwsCredentialsProvider& k,
         upstream::Gateway& g, upstream::BedrockEndpoint e, AssistantTools& t,
         metrics::Registry& registry)
        : options(std::move(o)),
          client(c),
          credentials(k),
          gateway(g),
          endpoint(std::move(e)),
          tools(t),
          open(registry.gauge("assistant_voice_sessions", "Voice sessions open.")),
          reopens(registry.counter_family(
              "assistant_voice_reopens_total",
              "Voice streams reopened with the conversation replayed, by reason (age, "
              "model_timeout, ended, disconnected).",
              {"reason"})),
          audio(registry.counter_family(
              "assistant_voice_audio_bytes_total",
              "Bytes of voice audio relayed, by direction (in: from clients, 16 kHz 16-bit "
              "mono, 32,000 a second; out: from the model, 24 kHz, 48,000 a second).",
              {"direction"})),
          stream_seconds(registry.histogram_family("assistant_voice_stream_seconds",
                                                   "How long each voice stream to Bedrock lasted.",
                                                   {}, {1, 10, 30, 60, 120, 300, 420, 480, 900})) {}

    VoiceOptions options;
    upstream::HttpClient& client;
    upstream::AwsCredentialsProvider& credentials;
    upstream::Gateway& gateway;
    upstream::BedrockEndpoint endpoint;
    AssistantTools& tools;
    metrics::Gauge& open;
    metrics::CounterFamily& reopens;
    metrics::CounterFamily& audio;
    metrics::HistogramFamily& stream_seconds;
    class Session;
    std::set<Session*> sessions;  // on the client's loop
};

class VoiceSessions::Impl::Session : public std::enable_shared_from_this<Session> {
public:
    Session(std::shared_ptr<Impl> shared, std::string user_id)
        : shared_(std::move(shared)),
          m_(*shared_),
          user_id_(std::move(user_id)),
          input_wake_(m_.client.executor()),
          output_wake_(m_.client.executor()),
          leave_timer_(m_.client.executor()) {}

    // WebSocket callbacks, on the connection's loop: each posts to the client's loop.
    void opened(std::shared_ptr<http::WebSocketSession> ws) {
        asio::post(m_.client.executor(), [self = shared_from_this(), ws = std::move(ws)] {
            self->ws_ = ws;
            self->m_.sessions.insert(self.get());
            asio::co_spawn(self->m_.client.executor(), self->run(), asio::detached);
        });
    }
    void text(std::string message) {
        asio::post(m_.client.executor(),
                   [self = shared_from_this(), t = std::move(message)] { self->on_text(t); });
    }
    void binary(std::string_view pcm) {
        if (in_transit_.fetch_add(pcm.size()) + pcm.size() > kHardCap) {
            // Reading was paused long ago: this client ignores TCP's back-pressure.
            if (auto ws = ws_for_callbacks_.lock())
                ws->close(http::CloseCode::kTooBig, "audio arrives faster than it can be taken");
            return;
        }
        asio::post(m_.client.executor(),
                   [self = shared_from_this(), data = std::string(pcm)]() mutable {
                       self->in_transit_.fetch_sub(data.size());
                       self->on_audio(std::move(data));
                   });
    }
    void drained() {
        asio::post(m_.client.executor(), [self = shared_from_this()] { self->notify(); });
    }
    void closed() {
        asio::post(m_.client.executor(), [self = shared_from_this()] {
            self->gone_ = true;
            self->leave();
        });
    }
    void remember(const std::shared_ptr<http::WebSocketSession>& ws) { ws_for_callbacks_ = ws; }

    // On the client's loop.
    void stop() {
        stopping_ = true;
        leave();
    }

private:
    enum class Outcome { kFinished, kReopen };

    void notify() {
        input_wake_.cancel();
        output_wake_.cancel();
    }
    // Waits on `timer` for a notify() or `until`; false once `until` passed.
    static asio::awaitable<bool> wait(asio::steady_timer& timer, Clock::time_point until) {
        timer.expires_at(until);
        co_await timer.async_wait(kAwait);
        co_return Clock::now() < until;
    }

    bool leaving() const { return gone_ || stopping_ || refused_; }

    // The session is ending: its stream gets kDrainGone to end cleanly, then is cancelled
    // (a model that takes no input would hold the sender forever).
    void leave() {
        notify();
        if (leave_timer_started_) return;
        leave_timer_started_ = true;
        leave_timer_.expires_after(kDrainGone);
        asio::co_spawn(
            m_.client.executor(),
            [self = shared_from_this()]() -> asio::awaitable<void> {
                auto [ec] = co_await self->leave_timer_.async_wait(kAwait);
                if (!ec && self->current_ && !self->stream_done_) self->current_->cancel();
            },
            asio::detached);
    }

    void send_json(const json::object& message) {
        if (ws_ && !gone_) ws_->send(json::serialize(message));
    }
    void send_error(ErrorCode code, const std::string& message,
                    std::optional<int> retry_after = std::nullopt) {
        json::object error{{"code", core::code_name(code)}, {"message", message}};
        if (retry_after) error["retry_after"] = *retry_after;
        send_json({{"type", "error"}, {"error", std::move(error)}});
        if (ws_) ws_->close(close_code_for(code), message.substr(0, 120));
    }
    // The client broke the protocol: say why and end (upstream cleanly).
    void refuse(const std::string& message) {
        if (refused_) return;
        refused_ = true;
        send_error(ErrorCode::kUnprocessable, message);
        leave();
    }

    void on_text(const std::string& text) {
        boost::system::error_code ec;
        auto parsed = json::parse(text, ec);
        const json::value* type =
            !ec && parsed.is_object() ? parsed.as_object().if_contains("type") : nullptr;
        if (!type || !type->is_string()) return refuse("messages are JSON objects with a \"type\"");
        const auto& message = parsed.as_object();
        if (type->as_string() == "start") {
            if (started_) return refuse("start was sent already");
            voice_ = m_.options.voice;
            if (const auto* v = message.if_contains("voice"); v && !v->is_null()) {
                if (!v->is_string() || !valid_voice(v->as_string()))
                    return refuse("voice must be a voice id such as \"matthew\" or \"tiffany\"");
                voice_ = v->as_string();
            }
            system_prompt_ =
                m_.options.system_prompt.empty() ? kSystemPrompt : m_.options.system_prompt;
            if (const auto* p = message.if_contains("system_prompt"); p && !p->is_null()) {
                if (!p->is_string() || code_points(p->as_string()) > kMaxSystemPromptChars)
                    return refuse("system_prompt must be a string of at most 4000 characters");
                system_prompt_ += "\n\n" + std::string(p->as_string());
            }
            started_ = true;
        } else if (type->as_string() == "end") {
            if (!started_) return refuse("end came before start");
            ending_ = true;
        } else {
            return refuse("unknown message type \"" + std::string(type->as_string()) + "\"");
        }
        notify();
    }

    void on_audio(std::string pcm) {
        if (refused_ || gone_) return;
        if (!started_) return refuse("send {\"type\":\"start\"} before audio");
        if (ending_) return refuse("audio came after end");
        if (pcm.size() % 2 != 0)
            return refuse("audio is 16-bit samples: a frame has an odd length");
        audio_bytes_ += pcm.size();
        audio_.push_back(std::move(pcm));
        last_audio_ = Clock::now();
        if (audio_bytes_ > kVoicePauseAtBytes && !reads_paused_ && ws_) {
            reads_paused_ = true;
            ws_->pause_reading(true);
        }
        notify();
    }

    asio::awaitable<void> run() {
        auto self = shared_from_this();  // alive until the end
        try {
            co_await converse();
        } catch (const ApiError& e) {
            send_error(e.code(), e.what(), e.retry_after());
        } catch (const std::exception& e) {
            core::log::warn("voice session failed", core::log::Fields().add("error", e.what()));
            send_error(ErrorCode::kInternal, "the voice session failed");
        }
        m_.sessions.erase(this);
        leave_timer_.cancel();  // nothing left to cancel; the loop need not wait for it
        if (reads_paused_ && ws_) ws_->pause_reading(false);
        ws_.reset();
    }

    asio::awaitable<void> converse() {
        auto start_by = Clock::now() + kStartTimeout;
        while (!started_ && !leaving())
            if (!co_await wait(input_wake_, start_by))
                throw ApiError(ErrorCode::kRequestTimeout,
                               "no {\"type\":\"start\"} message within 10 seconds");
        if (leaving()) co_return;
        auto slot = co_await m_.gateway.hold();  // 429 / 503 when the quota stays full
        m_.open.add(1);
        struct Count {
            metrics::Gauge& g;
            ~Count() { g.add(-1); }
        } count{m_.open};
        last_audio_ = Clock::now();
        int bare = 0;
        for (bool first = true;; first = false) {
            got_output_ = false;
            auto outcome = co_await stream_once(first);
            if (outcome == Outcome::kFinished) break;
            m_.reopens.with({reopen_reason_}).inc();
            bare = got_output_ ? 0 : bare + 1;
            if (bare > kMaxBareReopens)
                throw ApiError(ErrorCode::kUnavailable,
                               "the voice model keeps ending the stream; try again later", 5);
        }
        if (ws_ && !leaving()) ws_->close(http::CloseCode::kNormal, "ended");
    }

    // Opens a stream, retrying throttles and transient failures as every gateway call is
    // (the session's slot is held already).
    asio::awaitable<std::unique_ptr<upstream::BedrockStream>> open_stream() {
        std::unique_ptr<upstream::BedrockStream> stream;
        auto target = upstream::parse_target(m_.endpoint.url + "/");
        upstream::Gateway::Attempt attempt = [&]() -> asio::awaitable<upstream::ClientResponse> {
            auto deadline = Clock::now() + m_.options.first_byte;
            auto keys = co_await m_.credentials.credentials(deadline);
            auto connection = co_await m_.client.http2().connection(target, deadline);
            upstream::ClientResponse answer;
            try {
                stream = co_await upstream::BedrockStream::open(connection, m_.endpoint,
                                                                m_.options.model, keys, deadline);
                answer.status = 200;
            } catch (const upstream::BedrockStreamError& e) {
                answer.status = e.status;
                answer.headers.push_back({"x-amzn-ErrorType", e.type});
                answer.body = e.what();
            }
            co_return answer;
        };
        auto retry_until = Clock::now() + 3 * m_.options.first_byte;
        upstream::ClientResponse answer;
        try {
            answer = co_await m_.gateway.retry(attempt, retry_until);
        } catch (const upstream::UpstreamError& e) {
            core::log::warn("voice stream failed", core::log::Fields().add("error", e.what()));
            throw ApiError(ErrorCode::kUnavailable,
                           e.kind() == upstream::UpstreamError::Kind::kTimeout
                               ? "the voice model did not answer in time; try again later"
                               : "the voice model cannot be reached; try again later",
                           5);
        }
        if (!stream) {
            core::log::warn(
                "voice stream refused",
                core::log::Fields().add("status", answer.status).add("error", answer.body));
            if (answer.status == 429 || answer.status >= 500)
                throw ApiError(ErrorCode::kUnavailable, "the voice model is busy; try again later",
                               5);
            // Access denied, an unknown model: the server's configuration, not the client.
            throw ApiError(ErrorCode::kInternal, "the voice model refused the session");
        }
        co_return stream;
    }

    asio::awaitable<Outcome> stream_once(bool first) {
        auto stream = co_await open_stream();
        auto opened = Clock::now();
        sonic::Prompt prompt("p-" + core::random_id(8));
        sonic::PromptSetup setup{voice_, system_prompt_, m_.options.max_tokens,
                                 m_.tools.sonic_specs()};
        std::vector<json::object> intro{prompt.session_start(setup), prompt.prompt_start(setup)};
        for (auto& e : prompt.text("SYSTEM", system_prompt_)) intro.push_back(std::move(e));
        // A reopened stream hears the conversation so far (it starts with the user).
        for (const auto& turn : history_)
            for (auto& e : prompt.text(turn.role, turn.text)) intro.push_back(std::move(e));
        intro.push_back(prompt.audio_start());
        stream_done_ = input_finished_ = reopen_ = speaking_ = false;
        failure_.reset();
        reopen_at_ = opened + m_.options.stream_life;
        try {
            for (const auto& e : intro) co_await stream->send(e);
        } catch (const upstream::UpstreamError& e) {
            throw ApiError(ErrorCode::kUnavailable, "the voice model cannot be reached", 5);
        }
        if (first) send_json({{"type", "ready"}});
        current_ = stream.get();
        co_await (pump_input(*stream, prompt) && pump_output(*stream, prompt));
        current_ = nullptr;
        m_.stream_seconds.with({}).observe(
            std::chrono::duration<double>(Clock::now() - opened).count());
        if (failure_) throw *failure_;
        co_return reopen_ && !leaving() ? Outcome::kReopen : Outcome::kFinished;
    }

    void reopen_for(const char* reason) {
        if (input_finished_) return;
        reopen_ = true;
        reopen_reason_ = reason;
    }

    // The single sender of a stream: tool results, the client's audio, and its clean end.
    asio::awaitable<void> pump_input(upstream::BedrockStream& stream, sonic::Prompt& prompt) {
        try {
            for (;;) {
                if (stream_done_) co_return;
                if (!tool_results_.empty()) {
                    auto events = std::move(tool_results_.front());
                    tool_results_.pop_front();
                    for (const auto& e : events) co_await stream.send(e);
                    continue;
                }
                if (leaving()) audio_.clear();
                if (!audio_.empty()) {
                    auto pcm = std::move(audio_.front());
                    audio_.pop_front();
                    audio_bytes_ -= pcm.size();
                    if (reads_paused_ && audio_bytes_ < kVoiceResumeAtBytes && ws_) {
                        reads_paused_ = false;
                        ws_->pause_reading(false);
                    }
                    m_.audio.with({"in"}).inc(pcm.size());
                    auto event = prompt.audio_input(pcm);
                    co_await stream.send(event);
                    continue;
                }
                auto now = Clock::now();
                if (now >= reopen_at_ && (!speaking_ || now >= reopen_at_ + kTurnGrace))
                    reopen_for("age");
                if (now >= last_audio_ + m_.options.idle && !failure_)
                    failure_ = ApiError(ErrorCode::kRequestTimeout,
                                        "no audio for " + std::to_string(m_.options.idle.count()) +
                                            " seconds: the session ended");
                if (leaving() || ending_ || reopen_ || failure_) break;
                auto until = std::min(speaking_ ? reopen_at_ + kTurnGrace : reopen_at_,
                                      last_audio_ + m_.options.idle);
                co_await wait(input_wake_, until);
            }
            // The end Nova Sonic asks for, so Bedrock frees the session at once.
            input_finished_ = true;
            std::vector<json::object> end{prompt.audio_end(), prompt.prompt_end(),
                                          sonic::Prompt::session_end()};
            for (const auto& e : end) co_await stream.send(e);
            co_await stream.finish();
            auto until = Clock::now() + (leaving() || reopen_ ? kDrainGone : kDrain);
            while (!stream_done_)
                if (!co_await wait(input_wake_, until)) break;
        } catch (const upstream::UpstreamError&) {
            // The stream broke; the reader says how.
        }
        if (!stream_done_) stream.cancel();
    }

    // Waits while the client has kVoiceClientQueue messages unread.
    asio::awaitable<void> room_for_client() {
        while (ws_ && !leaving() && ws_->queued() >= kVoiceClientQueue)
            co_await wait(output_wake_, Clock::time_point::max());
    }

    void remember_turn(const std::string& role, const std::string& text) {
        if (text.empty()) return;
        history_chars_ += text.size();
        history_.push_back({role, text});
        while (history_chars_ > kVoiceHistoryChars ||
               (!history_.empty() && history_.front().role != "USER")) {
            history_chars_ -= history_.front().text.size();
            history_.pop_front();
        }
    }

    asio::awaitable<void> pump_output(upstream::BedrockStream& stream, sonic::Prompt& prompt) {
        sonic::OutputReader reader;
        try {
            while (auto event = co_await stream.receive(Clock::time_point::max())) {
                auto out = reader.read(*event);
                using Kind = sonic::Output::Kind;
                if (out.kind != Kind::kNone) got_output_ = true;
                switch (out.kind) {
                    case Kind::kText:
                        if (out.role == "USER") {
                            send_json({{"type", "transcript"}, {"text", out.text}});
                        } else {
                            send_json({{"type", "text"}, {"text", out.text}, {"final", out.final}});
                        }
                        if (out.final)
                            remember_turn(out.role == "USER" ? "USER" : "ASSISTANT", out.text);
                        break;
                    case Kind::kAudio:
                        speaking_ = true;
                        interrupted_sent_ = false;
                        m_.audio.with({"out"}).inc(out.audio.size());
                        co_await room_for_client();
                        if (ws_ && !leaving()) ws_->send_binary(std::move(out.audio));
                        break;
                    case Kind::kInterrupted:
                        speaking_ = false;
                        if (!interrupted_sent_) send_json({{"type", "interrupted"}});
                        interrupted_sent_ = true;
                        notify();
                        break;
                    case Kind::kTurnEnd:
                        speaking_ = false;
                        send_json({{"type", "turn_end"}});
                        notify();  // a reopen that waited for the turn may go
                        break;
                    case Kind::kToolUse:
                        co_await run_tool(out, prompt);
                        break;
                    case Kind::kNone:
                        break;
                }
            }
            // Bedrock ended the stream before we did (its time limit): go on in a new one.
            reopen_for("ended");
        } catch (const upstream::BedrockStreamError& e) {
            if (e.type == "ModelTimeoutException") {
                reopen_for("model_timeout");
            } else if (!input_finished_) {
                core::log::warn("voice stream error", core::log::Fields().add("error", e.what()));
                failure_ = ApiError(ErrorCode::kUnavailable,
                                    "the voice model failed (" + e.type + "); try again", 5);
            }
        } catch (const upstream::UpstreamError& e) {
            if (!input_finished_) {
                core::log::warn("voice stream lost", core::log::Fields().add("error", e.what()));
                reopen_for("disconnected");
            }
        } catch (const ApiError& e) {
            failure_ = e;
        } catch (const std::invalid_argument& e) {
            failure_ = ApiError(ErrorCode::kInternal, "the voice model sent what cannot be read");
        }
        stream_done_ = true;
        notify();
    }

    asio::awaitable<void> run_tool(const sonic::Output& use, sonic::Prompt& prompt) {
        boost::system::error_code ec;
        auto input = json::parse(use.tool_input.empty() ? "{}" : use.tool_input, ec);
        json::object args = !ec && input.is_object() ? input.as_object() : json::object{};
        bool wrote = false;
        auto deadline = Clock::now() + kToolTimeout;
        auto result =
            co_await m_.tools.run(user_id_, use.tool_name, std::move(args), wrote, deadline);
        tool_results_.push_back(prompt.tool_result(use.tool_use_id, json::serialize(result)));
        notify();
    }

    std::shared_ptr<Impl> shared_;
    Impl& m_;
    std::string user_id_;
    std::weak_ptr<http::WebSocketSession> ws_for_callbacks_;
    std::atomic<std::size_t> in_transit_{0};
    // On the client's loop.
    std::shared_ptr<http::WebSocketSession> ws_;
    asio::steady_timer input_wake_;   // the sender waits on it
    asio::steady_timer output_wake_;  // the reader waits on it (for the client to read)
    asio::steady_timer leave_timer_;  // a leaving session's stream is cancelled at its end
    bool started_ = false, ending_ = false, gone_ = false, stopping_ = false, refused_ = false;
    std::string voice_, system_prompt_;
    std::deque<std::string> audio_;
    std::size_t audio_bytes_ = 0;
    bool reads_paused_ = false;
    Clock::time_point last_audio_ = Clock::now();
    std::deque<std::vector<json::object>> tool_results_;
    std::deque<sonic::Turn> history_;
    std::size_t history_chars_ = 0;
    // The current stream.
    bool stream_done_ = false, input_finished_ = false, reopen_ = false, speaking_ = false;
    bool got_output_ = false, interrupted_sent_ = false, leave_timer_started_ = false;
    upstream::BedrockStream* current_ = nullptr;
    const char* reopen_reason_ = "ended";
    Clock::time_point reopen_at_ = Clock::time_point::max();
    std::optional<ApiError> failure_;
};

VoiceSessions::VoiceSessions(VoiceOptions options, upstream::HttpClient& client,
                             upstream::AwsCredentialsProvider& credentials,
                             upstream::Gateway& gateway, upstream::BedrockEndpoint endpoint,
                             AssistantTools& tools, metrics::Registry& registry)
    : impl_(std::make_shared<Impl>(std::move(options), client, credentials, gateway,
                                   std::move(endpoint), tools, registry)) {}

VoiceSessions::~VoiceSessions() = default;

http::WebSocketHandler VoiceSessions::handler(std::string user_id) {
    auto session = std::make_shared<Impl::Session>(impl_, std::move(user_id));
    http::WebSocketHandler h;
    h.on_open = [session](std::shared_ptr<http::WebSocketSession> ws) {
        session->remember(ws);
        session->opened(std::move(ws));
    };
    h.on_message = [session](auto, std::string_view text) { session->text(std::string(text)); };
    h.on_binary = [session](auto, std::string_view pcm) { session->binary(pcm); };
    h.on_drained = [session](auto) { session->drained(); };
    h.on_close = [session](auto) { session->closed(); };
    return h;
}

void VoiceSessions::stop() {
    asio::post(impl_->client.executor(), [impl = impl_] {
        for (auto* s : impl->sessions) s->stop();
    });
}

}  // namespace mindme::app
