#include "upstream/nova_sonic.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "core/base64.hpp"

namespace mindme::upstream::sonic {

namespace json = boost::json;

namespace {

json::object wrap(const char* name, json::object body) {
    return {{"event", json::object{{name, std::move(body)}}}};
}

json::object lpcm(int rate) {
    return {{"mediaType", "audio/lpcm"},
            {"sampleRateHertz", rate},
            {"sampleSizeBits", 16},
            {"channelCount", 1}};
}

std::string string_field(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// How Nova Sonic marks a barge-in inside the assistant's text.
bool is_interruption(std::string_view text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return false;
    const auto* flag = v.as_object().if_contains("interrupted");
    return flag && flag->is_bool() && flag->as_bool();
}

}  // namespace

Prompt::Prompt(std::string name) : name_(std::move(name)) {}

std::string Prompt::next_content() { return name_ + "-c" + std::to_string(++contents_); }

json::object Prompt::session_start(const PromptSetup& setup) const {
    return wrap("sessionStart",
                {{"inferenceConfiguration",
                  {{"maxTokens", setup.max_tokens}, {"topP", 0.9}, {"temperature", 0.7}}}});
}

json::object Prompt::prompt_start(const PromptSetup& setup) const {
    auto audio = lpcm(kOutputRate);
    audio["voiceId"] = setup.voice;
    audio["encoding"] = "base64";
    audio["audioType"] = "SPEECH";
    json::object body{{"promptName", name_},
                      {"textOutputConfiguration", {{"mediaType", "text/plain"}}},
                      {"audioOutputConfiguration", std::move(audio)}};
    if (!setup.tools.empty()) {
        body["toolUseOutputConfiguration"] = {{"mediaType", "application/json"}};
        body["toolConfiguration"] = {{"tools", setup.tools}};
    }
    return wrap("promptStart", std::move(body));
}

std::vector<json::object> Prompt::text(const std::string& role, const std::string& text) {
    auto content = next_content();
    return {wrap("contentStart", {{"promptName", name_},
                                  {"contentName", content},
                                  {"type", "TEXT"},
                                  {"interactive", false},
                                  {"role", role},
                                  {"textInputConfiguration", {{"mediaType", "text/plain"}}}}),
            wrap("textInput", {{"promptName", name_}, {"contentName", content}, {"content", text}}),
            wrap("contentEnd", {{"promptName", name_}, {"contentName", content}})};
}

json::object Prompt::audio_start() {
    audio_content_ = next_content();
    auto format = lpcm(kInputRate);
    format["audioType"] = "SPEECH";
    format["encoding"] = "base64";
    return wrap("contentStart", {{"promptName", name_},
                                 {"contentName", audio_content_},
                                 {"type", "AUDIO"},
                                 {"interactive", true},
                                 {"role", "USER"},
                                 {"audioInputConfiguration", std::move(format)}});
}

json::object Prompt::audio_input(std::string_view pcm) const {
    return wrap("audioInput", {{"promptName", name_},
                               {"contentName", audio_content_},
                               {"content", core::base64_encode(pcm)}});
}

json::object Prompt::audio_end() const {
    return wrap("contentEnd", {{"promptName", name_}, {"contentName", audio_content_}});
}

std::vector<json::object> Prompt::tool_result(const std::string& tool_use_id,
                                              const std::string& result_json) {
    auto content = next_content();
    return {wrap("contentStart", {{"promptName", name_},
                                  {"contentName", content},
                                  {"interactive", false},
                                  {"type", "TOOL"},
                                  {"role", "TOOL"},
                                  {"toolResultInputConfiguration",
                                   {{"toolUseId", tool_use_id},
                                    {"type", "TEXT"},
                                    {"textInputConfiguration", {{"mediaType", "text/plain"}}}}}}),
            wrap("toolResult",
                 {{"promptName", name_}, {"contentName", content}, {"content", result_json}}),
            wrap("contentEnd", {{"promptName", name_}, {"contentName", content}})};
}

json::object Prompt::prompt_end() const { return wrap("promptEnd", {{"promptName", name_}}); }

json::object Prompt::session_end() { return wrap("sessionEnd", {}); }

OutputReader::Content OutputReader::content_of(const json::object& body) const {
    auto id = string_field(body, "contentId");
    if (auto it = contents_.find(id); !id.empty() && it != contents_.end()) return it->second;
    return last_;
}

Output OutputReader::read(const json::object& event) {
    Output out;
    const auto* inner = event.if_contains("event");
    if (!inner || !inner->is_object() || inner->as_object().empty()) return out;
    const auto& [name, value] = *inner->as_object().begin();
    if (!value.is_object()) return out;
    const auto& body = value.as_object();
    if (name == "contentStart") {
        Content c{string_field(body, "role"), true};
        // additionalModelFields is JSON in a string: {"generationStage":"SPECULATIVE"}.
        auto extra = string_field(body, "additionalModelFields");
        if (extra.find("SPECULATIVE") != std::string::npos) c.final = false;
        auto id = string_field(body, "contentId");
        if (!id.empty()) contents_[id] = c;
        last_ = c;
    } else if (name == "textOutput") {
        auto content = content_of(body);
        out.text = string_field(body, "content");
        if (is_interruption(out.text)) {
            out.kind = Output::Kind::kInterrupted;
            out.text.clear();
            return out;
        }
        out.kind = Output::Kind::kText;
        out.role = string_field(body, "role");
        if (out.role.empty()) out.role = content.role;
        out.final = content.final;
    } else if (name == "audioOutput") {
        auto pcm = core::base64_decode(string_field(body, "content"));
        if (!pcm) throw std::invalid_argument("Nova Sonic: audioOutput is not base64");
        out.kind = Output::Kind::kAudio;
        out.audio = std::move(*pcm);
    } else if (name == "toolUse") {
        out.kind = Output::Kind::kToolUse;
        out.tool_name = string_field(body, "toolName");
        out.tool_use_id = string_field(body, "toolUseId");
        out.tool_input = string_field(body, "content");
    } else if (name == "contentEnd") {
        auto content = content_of(body);
        auto reason = string_field(body, "stopReason");
        if (reason == "INTERRUPTED") {
            out.kind = Output::Kind::kInterrupted;
        } else if (reason == "END_TURN" && content.role == "ASSISTANT" &&
                   string_field(body, "type") == "AUDIO") {
            out.kind = Output::Kind::kTurnEnd;
        }
        contents_.erase(string_field(body, "contentId"));
    }
    return out;
}

}  // namespace mindme::upstream::sonic
