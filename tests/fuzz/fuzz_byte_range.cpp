// Range header parsing: a satisfiable range always lies inside the representation.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/byte_range.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::uint64_t length = 0;
    if (size >= 2) {
        std::uint16_t small = 0;
        std::memcpy(&small, data, 2);
        length = small;
        data += 2;
        size -= 2;
    }
    std::string_view header(reinterpret_cast<const char*>(data), size);
    auto r = mindme::http::parse_byte_range(header, length);
    if (r.outcome == mindme::http::RangeOutcome::kSatisfiable) {
        FUZZ_CHECK(r.range.length > 0);
        FUZZ_CHECK(r.range.offset < length);
        FUZZ_CHECK(r.range.offset + r.range.length <= length);
    }
    return 0;
}
