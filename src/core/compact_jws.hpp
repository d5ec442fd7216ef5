#pragma once
// A JWS in compact serialisation (RFC 7515 §7.1: header.payload.signature, each
// base64url), split and decoded, nothing verified yet.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mindme::core {

struct CompactJws {
    boost::json::object header;
    boost::json::object payload;
    std::string signing_input;  // header.payload as sent: what the signature covers
    std::string signature;      // raw bytes
};

// Why a token is no compact JWS, or nullopt when it is one (`out` filled).
std::optional<std::string> decode_compact_jws(std::string_view token, CompactJws& out);

}  // namespace mindme::core
