// Client address resolution from X-Forwarded-For: the answer is always the peer or
// an address that parses, and never a trusted proxy unless every hop is one.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "guard/client_address.hpp"
#include "guard/ip_address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mindme::guard;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    static const CidrSet trusted({"10.0.0.0/8", "fd00::/8", "127.0.0.2"});

    if (auto a = IpAddress::parse(text)) {
        auto round_trip = IpAddress::parse(a->to_string());
        FUZZ_CHECK(round_trip && *round_trip == *a);
        FUZZ_CHECK(a->masked(0) == a->masked(0).masked(0));
    }
    (void)CidrBlock::parse(text);

    auto client = resolve_client_address("10.1.2.3", {text}, trusted);
    FUZZ_CHECK(IpAddress::parse(client).has_value());
    auto direct = resolve_client_address("203.0.113.7", {text}, trusted);
    FUZZ_CHECK(direct == "203.0.113.7");  // an untrusted peer's header is never believed
    return 0;
}
