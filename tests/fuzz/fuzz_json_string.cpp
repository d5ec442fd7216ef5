// JSON string escaping used for error bodies and log lines: the output is always
// valid JSON, and valid UTF-8 input survives the round trip unchanged.
#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto encoded = mindme::core::json_string(text);
    boost::system::error_code ec;
    auto value = boost::json::parse(encoded, ec);
    FUZZ_CHECK(!ec);
    FUZZ_CHECK(value.is_string());
    const auto& decoded = value.as_string();
    // Replacement only happens for invalid bytes, so a valid input comes back whole.
    bool replaced = std::string_view(decoded).find("\xEF\xBF\xBD") != std::string_view::npos;
    if (!replaced) FUZZ_CHECK(std::string_view(decoded) == text);
    return 0;
}
