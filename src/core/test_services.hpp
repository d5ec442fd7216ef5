#pragma once
// For tests: the servers CTest's fixtures started (scripts/services/). The environment
// variable MINDME_TEST_SERVICES names the directory holding <name>/url.
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mindme::core {

// A conformance suite is compiled into both test tiers (CONTRIBUTING.md, "Test tiers"):
// the unit binary runs it on the embedded backends and needs no server; the service
// binary, built with MINDME_SERVICE_TIER, runs it on the servers CTest's fixture starts.
#ifdef MINDME_SERVICE_TIER
inline constexpr bool kServiceTier = true;
#else
inline constexpr bool kServiceTier = false;
#endif

// The backends a conformance suite is instantiated for in this tier.
template <class T>
std::vector<T> tier_backends(std::vector<T> embedded, std::vector<T> servers) {
    return kServiceTier ? std::move(servers) : std::move(embedded);
}

// The URL of the fixture's server `name` ("postgres", "redis_cluster", "rabbitmq", ...).
// Throws when the suite does not run under ctest or the server is not there.
inline std::string test_service_url(const std::string& name) {
    const char* dir = std::getenv("MINDME_TEST_SERVICES");
    if (!dir || !*dir)
        throw std::runtime_error(
            "MINDME_TEST_SERVICES is not set: run through ctest, whose fixtures start the "
            "servers (scripts/services/)");
    std::ifstream in(std::string(dir) + "/" + name + "/url");
    std::string url;
    if (!std::getline(in, url) || url.empty())
        throw std::runtime_error("no " + name + " server in " + dir);
    return url;
}

}  // namespace mindme::core
