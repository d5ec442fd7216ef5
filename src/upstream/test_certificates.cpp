#include "upstream/test_certificates.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace mindme::upstream::testing {

void run_command(const std::string& command) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
        throw std::runtime_error("failed: " + command);
}

TestPki::TestPki(TestPki&& other) noexcept { *this = std::move(other); }

TestPki& TestPki::operator=(TestPki&& other) noexcept {
    std::swap(dir, other.dir);
    std::swap(ca_cert, other.ca_cert);
    std::swap(server_cert, other.server_cert);
    std::swap(server_key, other.server_key);
    return *this;
}

TestPki::~TestPki() {
    if (dir.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
}

TestPki mint_pki(const std::string& sans) {
    TestPki pki;
    char pattern[] = "/tmp/mindme-pki-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    pki.dir = pattern;
    pki.ca_cert = pki.dir + "/ca.pem";
    pki.server_cert = pki.dir + "/server.pem";
    pki.server_key = pki.dir + "/server.key";
    const auto& d = pki.dir;
    run_command(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mindme-test-ca -keyout " + d +
        "/ca.key -out " + pki.ca_cert);
    run_command("openssl req -newkey rsa:2048 -nodes -subj /CN=mindme-test-server -keyout " +
                pki.server_key + " -out " + d + "/server.csr");
    std::ofstream(d + "/ext.cnf") << "subjectAltName=" << sans << "\n";
    run_command("openssl x509 -req -days 2 -in " + d + "/server.csr -CA " + pki.ca_cert +
                " -CAkey " + d + "/ca.key -CAcreateserial -extfile " + d + "/ext.cnf -out " +
                pki.server_cert);
    return pki;
}

}  // namespace mindme::upstream::testing
