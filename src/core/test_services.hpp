#pragma once
// For tests: the servers CTest's fixtures started (scripts/services/). The environment
// variable MINDME_TEST_SERVICES names the directory holding <name>/url.
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace mindme::core {

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
