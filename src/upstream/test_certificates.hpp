#pragma once
// Keys and certificates minted for a test with the openssl command (never checked in):
// a CA, and a server certificate it signed for the given subject alternative names.
#include <string>

namespace mindme::upstream::testing {

struct TestPki {
    std::string dir;      // removed by the destructor
    std::string ca_cert;  // PEM
    std::string server_cert;
    std::string server_key;
    TestPki() = default;
    TestPki(TestPki&& other) noexcept;
    TestPki& operator=(TestPki&& other) noexcept;
    ~TestPki();
};

// `sans` as openssl writes them: "DNS:localhost,IP:127.0.0.1".
TestPki mint_pki(const std::string& sans);

// Runs a shell command; throws std::runtime_error with it when it fails.
void run_command(const std::string& command);

}  // namespace mindme::upstream::testing
