#pragma once
// Nova Sonic's conversation events, both ways. In: one prompt's events in the documented
// order — sessionStart, promptStart (voice, output formats, tools), the system text, the
// history replayed as text contents (a reopened stream), one interactive audio content,
// tool results, promptEnd, sessionEnd — each naming its prompt and content. Out: what an
// output event means to a client — speech recognised (the user's transcript), the
// assistant's text (speculative before its audio, final after), audio, a tool to run, a
// barge-in — read with the content it belongs to (role, generation stage).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mindme::upstream::sonic {

constexpr int kInputRate = 16000;   // Hz, 16-bit mono little-endian PCM
constexpr int kOutputRate = 24000;  // Hz, the same format

struct PromptSetup {
    std::string voice;  // voiceId: matthew, tiffany, amy...
    std::string system_prompt;
    std::int64_t max_tokens = 1024;
    boost::json::array tools;  // {toolSpec{name, description, inputSchema{json: <string>}}}
};

// A turn of the conversation so far, replayed into a reopened stream.
struct Turn {
    std::string role;  // USER or ASSISTANT
    std::string text;
};

// The input events of one stream; content names are generated in order.
class Prompt {
public:
    explicit Prompt(std::string name);

    boost::json::object session_start(const PromptSetup& setup) const;
    boost::json::object prompt_start(const PromptSetup& setup) const;
    // contentStart, textInput, contentEnd of a text content of `role` (SYSTEM, USER...).
    std::vector<boost::json::object> text(const std::string& role, const std::string& text);
    // The interactive audio content the user speaks into.
    boost::json::object audio_start();
    boost::json::object audio_input(std::string_view pcm) const;
    boost::json::object audio_end() const;
    // contentStart, toolResult, contentEnd answering the tool use `tool_use_id`.
    std::vector<boost::json::object> tool_result(const std::string& tool_use_id,
                                                 const std::string& result_json);
    boost::json::object prompt_end() const;
    static boost::json::object session_end();

private:
    std::string next_content();
    std::string name_;
    std::string audio_content_;
    int contents_ = 0;
};

struct Output {
    enum class Kind {
        kNone,         // bookkeeping (completionStart, usageEvent, a content's start...)
        kText,         // role USER: the transcript; ASSISTANT: what it says
        kAudio,        // `audio`: 24 kHz PCM
        kToolUse,      // tool_name, tool_use_id, tool_input (JSON text)
        kInterrupted,  // the user spoke over the assistant: stop its audio
        kTurnEnd,      // the assistant finished a turn
    };
    Kind kind = Kind::kNone;
    std::string role;   // USER or ASSISTANT (kText)
    bool final = true;  // kText: FINAL (false: SPECULATIVE, said before its audio)
    std::string text;   // kText
    std::string audio;  // kAudio, decoded
    std::string tool_name, tool_use_id, tool_input;
};

// Reads output events in order, remembering each content's role and stage.
class OutputReader {
public:
    // Throws std::invalid_argument for an event it cannot read (audio not base64...).
    Output read(const boost::json::object& event);

private:
    struct Content {
        std::string role;
        bool final = true;
    };
    Content content_of(const boost::json::object& body) const;
    std::map<std::string, Content> contents_;  // by contentId
    Content last_;
};

}  // namespace mindme::upstream::sonic
