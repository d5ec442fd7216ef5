#pragma once
// The Range request header (RFC 9110 §14.2), single byte ranges only: a request
// for several ranges is answered with the whole representation, as RFC allows.
#include <cstdint>
#include <optional>
#include <string_view>

namespace mindme::http {

struct ByteRange {
    std::uint64_t offset;
    std::uint64_t length;
};

enum class RangeOutcome { kIgnore, kSatisfiable, kUnsatisfiable };

struct RangeResult {
    RangeOutcome outcome = RangeOutcome::kIgnore;
    ByteRange range{0, 0};
};

// `header` is the Range value, `size` the representation's length.
RangeResult parse_byte_range(std::string_view header, std::uint64_t size);

}  // namespace mindme::http
