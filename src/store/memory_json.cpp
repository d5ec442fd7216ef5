#include "core/clock.hpp"
#include "core/json.hpp"
#include "store/memories.hpp"

namespace mindme::store {

std::size_t memory_bytes(const Memory& m) {
    auto bytes = m.id.size() + m.title.size() + m.body.size();
    for (const auto& tag : m.tags) bytes += tag.size();
    return bytes;
}

std::string memory_json(const Memory& m) {
    std::string out;
    out.reserve(160 + m.title.size() + m.body.size() + m.tags.size() * 16);
    out += "{\"id\":";
    core::append_json_string(out, m.id);
    out += ",\"title\":";
    core::append_json_string(out, m.title);
    out += ",\"body\":";
    core::append_json_string(out, m.body);
    out += ",\"tags\":[";
    for (std::size_t i = 0; i < m.tags.size(); ++i) {
        if (i) out += ',';
        core::append_json_string(out, m.tags[i]);
    }
    out += "],\"created_at\":\"";
    out += core::format_rfc3339_ms(m.created_at_ms);
    out += "\",\"updated_at\":\"";
    out += core::format_rfc3339_ms(m.updated_at_ms);
    out += "\",\"version\":";
    out += std::to_string(m.version);
    out += '}';
    return out;
}

}  // namespace mindme::store
