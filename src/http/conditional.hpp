#pragma once
// Entity-tag preconditions (RFC 9110 §13.1): If-None-Match uses weak comparison,
// If-Match strong comparison.
#include <string_view>
#include <vector>

namespace mindme::http {

// If-None-Match: "*" or a list of entity tags; true when one matches `etag` weakly.
bool none_match(std::string_view header, std::string_view etag);
// If-Match without "*": the strong entity tags listed, quotes included; weak tags
// (W/"...") never match strongly and are left out.
std::vector<std::string_view> strong_tags(std::string_view header);

}  // namespace mindme::http
