#include "app/memory_input.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "app/json_body.hpp"
#include "core/errors.hpp"
#include "core/text.hpp"
#include "core/unicode.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;

namespace {

ApiError invalid(const std::string& message) {
    return ApiError(ErrorCode::kUnprocessable, message);
}

std::string optional_string(const boost::json::object& body, std::string_view name) {
    auto it = body.find(name);
    if (it == body.end() || it->value().is_null()) return {};
    if (!it->value().is_string()) throw invalid(std::string(name) + " must be a string");
    return std::string(it->value().as_string());
}

std::vector<std::string> tags_of(const boost::json::object& body) {
    std::vector<std::string> tags;
    auto it = body.find("tags");
    if (it == body.end() || it->value().is_null()) return tags;
    if (!it->value().is_array()) throw invalid("tags must be an array of strings");
    const auto& array = it->value().as_array();
    if (array.size() > kMaxTags) throw invalid("tags must hold at most 20 tags");
    for (const auto& tag : array) {
        if (!tag.is_string()) throw invalid("tags must be an array of strings");
        // JSON strings are valid UTF-8 once parsed; a tag is kept trimmed and in NFC, so
        // that equal-looking tags are equal.
        auto text = core::nfc(core::trim(std::string_view(tag.as_string()), " \t\r\n"));
        auto n = code_points(text);
        if (n < 1 || n > kMaxTagChars) throw invalid("each of tags must be 1 to 40 characters");
        if (core::has_control(text) || core::has_bidi_control(text))
            throw invalid("tags must not contain control or text-direction characters");
        if (std::find(tags.begin(), tags.end(), text) != tags.end())
            throw invalid("tags must be unique: \"" + text + "\" appears twice");
        tags.push_back(std::move(text));
    }
    return tags;
}

}  // namespace

store::Memory parse_memory_input(const http::Request& req) {
    return memory_from_json(parse_json_object(req));
}

store::Memory memory_from_json(const boost::json::object& body) {
    store::Memory m;
    m.title = require_string(body, "title");
    if (code_points(m.title) > kMaxTitleChars)
        throw invalid("title must be at most 200 characters");
    m.body = optional_string(body, "body");
    if (m.body.size() > kMaxBodyBytes) throw invalid("body must be at most 64 KiB (65536 bytes)");
    m.tags = tags_of(body);
    return m;
}

}  // namespace mindme::app
