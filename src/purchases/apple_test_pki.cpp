#include "purchases/apple_test_pki.hpp"

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/base64.hpp"
#include "core/base64url.hpp"
#include "upstream/es256.hpp"

namespace mindme::purchases::testing {

namespace json = boost::json;

namespace {

void run(const std::string& command) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
        throw std::runtime_error("failed: " + command);
}

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

constexpr const char* kCa =
    "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
    "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
constexpr const char* kWwdrOid = "1.2.840.113635.100.6.2.1=ASN1:NULL\n";
constexpr const char* kLeaf =
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
    "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
constexpr const char* kReceiptOid = "1.2.840.113635.100.6.11.1=ASN1:NULL\n";

}  // namespace

ApplePki::ApplePki() {
    char pattern[] = "/tmp/mindme-apple-pki-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    const auto& d = dir;
    auto key = [&](const std::string& name) {
        run("openssl ecparam -name prime256v1 -genkey -noout -out " + d + "/" + name + ".key");
    };
    auto root = [&](const std::string& name) {
        key(name);
        run("openssl req -x509 -new -key " + d + "/" + name + ".key -subj /CN=" + name +
            " -days 30 -addext basicConstraints=critical,CA:TRUE"
            " -addext keyUsage=critical,keyCertSign,cRLSign -out " +
            d + "/" + name + ".pem");
    };
    auto issue = [&](const std::string& name, const std::string& issuer,
                     const std::string& extensions) {
        key(name);
        std::ofstream(d + "/" + name + ".cnf") << extensions;
        run("openssl req -new -key " + d + "/" + name + ".key -subj /CN=" + name + " -out " + d +
            "/" + name + ".csr");
        run("openssl x509 -req -days 2 -in " + d + "/" + name + ".csr -CA " + d + "/" + issuer +
            ".pem -CAkey " + d + "/" + issuer + ".key -CAcreateserial -extfile " + d + "/" + name +
            ".cnf -out " + d + "/" + name + ".pem");
    };
    auto der = [&](const std::string& name) {
        run("openssl x509 -in " + d + "/" + name + ".pem -outform DER -out " + d + "/" + name +
            ".der");
        return read(d + "/" + name + ".der");
    };
    auto chain = [&](const std::string& leaf, const std::string& intermediate,
                     const std::string& top) {
        return Chain{read(d + "/" + leaf + ".key"), {der(leaf), der(intermediate), der(top)}};
    };
    root("root");
    issue("wwdr", "root", std::string(kCa) + kWwdrOid);
    issue("signer", "wwdr", std::string(kLeaf) + kReceiptOid);
    good = chain("signer", "wwdr", "root");
    issue("wwdr_plain", "root", kCa);
    issue("signer_under_plain", "wwdr_plain", std::string(kLeaf) + kReceiptOid);
    intermediate_without_oid = chain("signer_under_plain", "wwdr_plain", "root");
    issue("signer_plain", "wwdr", kLeaf);
    leaf_without_oid = chain("signer_plain", "wwdr", "root");
    root("other_root");
    issue("other_wwdr", "other_root", std::string(kCa) + kWwdrOid);
    issue("other_signer", "other_wwdr", std::string(kLeaf) + kReceiptOid);
    other_root = chain("other_signer", "other_wwdr", "other_root");
}

ApplePki::~ApplePki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
}

std::string ApplePki::root_pem_path() const { return dir + "/root.pem"; }
std::string ApplePki::root_der_path() const { return dir + "/root.der"; }

std::string ApplePki::sign(const Chain& chain, const json::object& payload, json::object header) {
    if (!header.contains("alg")) header["alg"] = "ES256";
    if (!header.contains("x5c")) {
        json::array x5c;
        for (const auto& c : chain.x5c) x5c.push_back(json::string(core::base64_encode(c)));
        header["x5c"] = std::move(x5c);
    }
    auto input = core::base64url_encode(json::serialize(header)) + "." +
                 core::base64url_encode(json::serialize(payload));
    return input + "." + core::base64url_encode(upstream::es256_sign(chain.key, input));
}

}  // namespace mindme::purchases::testing
