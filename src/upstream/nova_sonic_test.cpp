// Nova Sonic's events: the input in the documented shape and order, each naming its prompt
// and content; the output read with its content's role and stage, barge-ins in both of
// their forms, audio decoded, tool uses, and audio that is not base64 refused.
#include "upstream/nova_sonic.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/base64.hpp"

namespace mindme::upstream::sonic {
namespace {

namespace json = boost::json;

std::string name_of(const json::object& e) {
    return std::string(e.at("event").as_object().begin()->key());
}
const json::object& body_of(const json::object& e) {
    return e.at("event").as_object().begin()->value().as_object();
}
json::object parse(std::string_view text) { return json::parse(text).as_object(); }

TEST(NovaSonicPrompt, EventsNameTheirPromptAndContentInOrder) {
    PromptSetup setup{"tiffany", "Be brief.", 512, json::array{json::object{{"toolSpec", {}}}}};
    Prompt p("p1");
    auto start = p.prompt_start(setup);
    const auto& config = body_of(start);
    EXPECT_EQ(config.at("promptName"), "p1");
    EXPECT_EQ(config.at("audioOutputConfiguration").at("voiceId"), "tiffany");
    EXPECT_EQ(config.at("audioOutputConfiguration").at("sampleRateHertz"), 24000);
    EXPECT_EQ(config.at("toolConfiguration").at("tools").as_array().size(), 1u);
    EXPECT_EQ(body_of(p.session_start(setup)).at("inferenceConfiguration").at("maxTokens"), 512);

    auto system = p.text("SYSTEM", "Be brief.");
    ASSERT_EQ(system.size(), 3u);
    EXPECT_EQ(name_of(system[0]), "contentStart");
    EXPECT_EQ(name_of(system[1]), "textInput");
    EXPECT_EQ(name_of(system[2]), "contentEnd");
    EXPECT_EQ(body_of(system[0]).at("role"), "SYSTEM");
    auto text_content = body_of(system[1]).at("contentName");
    EXPECT_EQ(body_of(system[2]).at("contentName"), text_content);

    auto audio = p.audio_start();
    EXPECT_EQ(body_of(audio).at("audioInputConfiguration").at("sampleRateHertz"), 16000);
    EXPECT_EQ(body_of(audio).at("interactive"), true);
    auto audio_content = body_of(audio).at("contentName");
    EXPECT_NE(audio_content, text_content);
    auto input = p.audio_input(std::string("\x01\x02", 2));
    EXPECT_EQ(body_of(input).at("contentName"), audio_content);
    EXPECT_EQ(*core::base64_decode(body_of(input).at("content").as_string()),
              std::string("\x01\x02", 2));
    EXPECT_EQ(body_of(p.audio_end()).at("contentName"), audio_content);

    auto result = p.tool_result("use-1", R"({"hits":[]})");
    EXPECT_EQ(body_of(result[0]).at("toolResultInputConfiguration").at("toolUseId"), "use-1");
    EXPECT_EQ(body_of(result[1]).at("content"), R"({"hits":[]})");
    EXPECT_EQ(name_of(p.prompt_end()), "promptEnd");
    EXPECT_EQ(name_of(Prompt::session_end()), "sessionEnd");
}

TEST(NovaSonicOutput, TextCarriesItsContentsRoleAndStage) {
    OutputReader r;
    EXPECT_EQ(r.read(parse(R"({"event":{"contentStart":{"contentId":"a","type":"TEXT",
        "role":"ASSISTANT","additionalModelFields":"{\"generationStage\":\"SPECULATIVE\"}"}}})"))
                  .kind,
              Output::Kind::kNone);
    auto speculative =
        r.read(parse(R"({"event":{"textOutput":{"contentId":"a","content":"Hi"}}})"));
    EXPECT_EQ(speculative.kind, Output::Kind::kText);
    EXPECT_EQ(speculative.role, "ASSISTANT");
    EXPECT_FALSE(speculative.final);
    r.read(parse(R"({"event":{"contentStart":{"contentId":"u","type":"TEXT","role":"USER"}}})"));
    auto heard = r.read(parse(R"({"event":{"textOutput":{"contentId":"u","content":"hello"}}})"));
    EXPECT_EQ(heard.role, "USER");
    EXPECT_TRUE(heard.final);
    EXPECT_EQ(heard.text, "hello");
}

TEST(NovaSonicOutput, BargeInIsReadInBothForms) {
    OutputReader r;
    r.read(
        parse(R"({"event":{"contentStart":{"contentId":"s","type":"AUDIO","role":"ASSISTANT"}}})"));
    EXPECT_EQ(
        r.read(parse(R"({"event":{"textOutput":{"content":"{ \"interrupted\" : true }"}}})")).kind,
        Output::Kind::kInterrupted);
    EXPECT_EQ(r.read(parse(R"({"event":{"contentEnd":{"contentId":"s","type":"AUDIO",
        "stopReason":"INTERRUPTED"}}})"))
                  .kind,
              Output::Kind::kInterrupted);
}

TEST(NovaSonicOutput, AudioToolUseAndTurnEnd) {
    OutputReader r;
    r.read(
        parse(R"({"event":{"contentStart":{"contentId":"s","type":"AUDIO","role":"ASSISTANT"}}})"));
    auto audio =
        r.read(parse(R"({"event":{"audioOutput":{"contentId":"s","content":"AQACAA=="}}})"));
    EXPECT_EQ(audio.kind, Output::Kind::kAudio);
    EXPECT_EQ(audio.audio, std::string("\x01\x00\x02\x00", 4));
    EXPECT_EQ(r.read(parse(R"({"event":{"contentEnd":{"contentId":"s","type":"AUDIO",
        "stopReason":"END_TURN"}}})"))
                  .kind,
              Output::Kind::kTurnEnd);
    auto use = r.read(parse(R"({"event":{"toolUse":{"toolName":"search_memories",
        "toolUseId":"t1","content":"{\"query\":\"pena\"}"}}})"));
    EXPECT_EQ(use.kind, Output::Kind::kToolUse);
    EXPECT_EQ(use.tool_name, "search_memories");
    EXPECT_EQ(use.tool_use_id, "t1");
    EXPECT_EQ(use.tool_input, R"({"query":"pena"})");
    EXPECT_THROW(r.read(parse(R"({"event":{"audioOutput":{"content":"not base64!"}}})")),
                 std::invalid_argument);
    EXPECT_EQ(r.read(parse(R"({"event":{"usageEvent":{}}})")).kind, Output::Kind::kNone);
    EXPECT_EQ(r.read(parse(R"({"other":1})")).kind, Output::Kind::kNone);
}

}  // namespace
}  // namespace mindme::upstream::sonic
