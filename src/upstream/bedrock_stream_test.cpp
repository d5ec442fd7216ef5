// A Nova Sonic-shaped bidirectional stream against a stand-in (tests/stand_ins/
// bedrock_bidi.py) that verifies the request's SigV4 signature and every message's chunk
// signature in the chain, and enforces the event order: audio in, transcript and audio
// out; an event out of order answered with ValidationException; wrong keys refused; a
// cancelled stream leaves none open upstream.
#include "upstream/bedrock_stream.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/base64.hpp"
#include "upstream/child_stand_in.hpp"

namespace mindme::upstream {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

const AwsCredentials kKeys{"AKIDMINDMETEST", "mindme-test-secret-key", ""};

Clock::time_point soon() { return Clock::now() + std::chrono::seconds(10); }

// {"event": <body>} from JSON text (braced initialisers inside a co_await expression
// trip GCC 12).
json::object event(std::string_view body) {
    return json::parse("{\"event\":" + std::string(body) + "}").as_object();
}

json::object audio_input(std::size_t bytes) {
    auto e = event(R"({"audioInput":{"promptName":"p1","contentName":"c1"}})");
    e["event"].as_object()["audioInput"].as_object()["content"] =
        core::base64_encode(std::string(bytes, '\x01'));
    return e;
}

struct BedrockStreamTest : ::testing::Test {
    testing::ChildStandIn bedrock{"bedrock_bidi.py"};
    BedrockEndpoint endpoint() const { return {bedrock.url(""), "us-east-1"}; }

    // The stand-in's counters.
    asio::awaitable<json::object> stats(Http2Connection& connection) {
        auto stream = connection.start("GET", bedrock.target("/stats"), {});
        stream->finish();
        std::string body;
        while (auto piece = co_await stream->read(soon())) body += *piece;
        co_return json::parse(body).as_object();
    }

    // The names of the events until one named `last` (included).
    static asio::awaitable<std::vector<std::string>> events_until(
        BedrockStream& s, const std::string& last, std::vector<json::object>* kept = nullptr) {
        std::vector<std::string> names;
        while (auto e = co_await s.receive(soon())) {
            auto name = std::string(e->at("event").as_object().begin()->key());
            names.push_back(name);
            if (kept) kept->push_back(*e);
            if (name == last) break;
        }
        co_return names;
    }
};

TEST_F(BedrockStreamTest, AudioGoesUpAndTranscriptAndAudioComeBackInTheSignedChain) {
    bedrock.on_h2_connection(
        [&](std::shared_ptr<Http2Connection> connection) -> asio::awaitable<void> {
            auto s = co_await BedrockStream::open(connection, endpoint(),
                                                  "amazon.nova-2-sonic-v1:0", kKeys, soon());
            co_await s->send(
                event(R"({"sessionStart":{"inferenceConfiguration":{"maxTokens":1024}}})"));
            co_await s->send(event(R"({"promptStart":{"promptName":"p1"}})"));
            auto started = co_await events_until(*s, "completionStart");
            std::vector<std::string> completion_start{"completionStart"};
            EXPECT_EQ(started, completion_start);
            co_await s->send(
                event(R"({"contentStart":{"promptName":"p1","contentName":"c1","type":"AUDIO"}})"));
            for (int i = 0; i < 3; ++i) co_await s->send(audio_input(3200));
            co_await s->send(event(R"({"contentEnd":{"promptName":"p1","contentName":"c1"}})"));
            co_await s->send(event(R"({"promptEnd":{"promptName":"p1"}})"));
            co_await s->send(event(R"({"sessionEnd":{}})"));
            co_await s->finish();
            // The end of the audio finished the turn: the transcript, then the speech.
            std::vector<json::object> out;
            co_await events_until(*s, "completionEnd", &out);
            std::string transcript;
            std::size_t audio_bytes = 0;
            for (const auto& e : out) {
                const auto& body = e.at("event").as_object();
                if (const auto* t = body.if_contains("textOutput"); t && t->at("role") == "USER")
                    transcript = t->at("content").as_string();
                if (const auto* a = body.if_contains("audioOutput"))
                    audio_bytes += core::base64_decode(a->at("content").as_string())->size();
            }
            EXPECT_EQ(transcript, "heard 9600 bytes");
            EXPECT_EQ(audio_bytes, 9600u);  // two chunks of 100 ms of 24 kHz 16-bit mono
            EXPECT_FALSE(co_await s->receive(soon()));
            auto counts = co_await stats(*connection);
            EXPECT_EQ(counts.at("verified").as_int64(), 10);  // 9 events and the final message
            EXPECT_EQ(counts.at("open").as_int64(), 0);
        });
}

TEST_F(BedrockStreamTest, AnEventOutOfOrderIsAValidationException) {
    bedrock.on_h2_connection(
        [&](std::shared_ptr<Http2Connection> connection) -> asio::awaitable<void> {
            auto s = co_await BedrockStream::open(connection, endpoint(),
                                                  "amazon.nova-2-sonic-v1:0", kKeys, soon());
            co_await s->send(event(R"({"audioInput":{"content":"AAAA"}})"));
            try {
                co_await s->receive(soon());
                ADD_FAILURE() << "accepted";
            } catch (const BedrockStreamError& e) {
                EXPECT_EQ(e.type, "ValidationException");
            }
        });
}

TEST_F(BedrockStreamTest, WrongKeysAreRefused) {
    bedrock.on_h2_connection(
        [&](std::shared_ptr<Http2Connection> connection) -> asio::awaitable<void> {
            AwsCredentials wrong{"AKIDMINDMETEST", "not-the-secret", ""};
            try {
                co_await BedrockStream::open(connection, endpoint(), "amazon.nova-2-sonic-v1:0",
                                             wrong, soon());
                ADD_FAILURE() << "accepted";
            } catch (const BedrockStreamError& e) {
                EXPECT_EQ(e.type, "AccessDeniedException");
            }
        });
}

TEST_F(BedrockStreamTest, ACancelledStreamLeavesNoneOpenUpstream) {
    bedrock.on_h2_connection(
        [&](std::shared_ptr<Http2Connection> connection) -> asio::awaitable<void> {
            {
                auto s = co_await BedrockStream::open(connection, endpoint(),
                                                      "amazon.nova-2-sonic-v1:0", kKeys, soon());
                co_await s->send(event(R"({"sessionStart":{}})"));
                auto counts = co_await stats(*connection);
                EXPECT_EQ(counts.at("open").as_int64(), 1);
            }  // the client went away
            json::object counts;
            for (int i = 0; i < 100; ++i) {
                counts = co_await stats(*connection);
                if (counts.at("open").as_int64() == 0) break;
            }
            EXPECT_EQ(counts.at("open").as_int64(), 0);
        });
}

}  // namespace
}  // namespace mindme::upstream
