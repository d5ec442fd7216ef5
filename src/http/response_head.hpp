#pragma once
// Writes a response's status line and header block in one contiguous buffer, so that
// a small response leaves in a single write. (Beast's serializer hands the kernel one
// buffer per field, which cost more than the rest of a tiny request put together.)
#include <cstdint>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace mindme::http {

struct HeadContext {
    unsigned version = 11;  // of the request: 10 or 11
    bool keep_alive = true;
    std::string_view date;
    std::string_view request_id;
    // Content-Length is written for every status that may carry a body.
    std::uint64_t content_length = 0;
};

void append_response_head(std::string& out, const Response& response, const HeadContext& ctx);
std::string_view reason_phrase(int status);
bool status_has_body(int status);

}  // namespace mindme::http
