#pragma once
// Paging parameters of list routes: `limit` and opaque cursors. A cursor is
// base64url text that only this server interprets; a tampered or foreign one is 400.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/limits.hpp"
#include "http/message.hpp"
#include "store/memories.hpp"

namespace mindme::app {

// The query parameter `name` as a whole number in [1, max], `fallback` when absent;
// 422 naming it otherwise.
std::size_t limit_param(const http::Request& req, const char* name, std::size_t fallback,
                        std::size_t max);

// Where the newest-first memory list continues.
std::string encode_list_cursor(const store::ListPosition& after);
std::optional<store::ListPosition> list_cursor_param(const http::Request& req, const char* name);

// A list page as API.md shapes it: {"items":[...],"next_cursor":C|null}, where the
// items are JSON texts already and `next` is where the next page starts (if any).
std::string page_json(const std::vector<std::string>& items,
                      const std::optional<store::ListPosition>& next);

// A position in a user's change log.
std::string encode_sync_cursor(std::int64_t seq);
std::int64_t sync_cursor_param(const http::Request& req, const char* name);

}  // namespace mindme::app
