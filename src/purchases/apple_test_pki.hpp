#pragma once
// A certificate authority shaped like Apple's, minted for a test with the openssl command
// (never checked in): a P-256 root, an intermediate with Apple's WWDR OID and a signing
// certificate with the receipt-signing OID, valid for two days from now — and the flawed
// variants Apple's library refuses (an OID missing, another root). Signs App Store data as
// Apple does (ES256 JWS with x5c).
#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace mindme::purchases::testing {

struct ApplePki {
    ApplePki();  // mints everything into a temporary directory
    ~ApplePki();
    ApplePki(const ApplePki&) = delete;
    ApplePki& operator=(const ApplePki&) = delete;

    // A chain: the signing key (PEM) and the x5c certificates (DER: leaf, intermediate, root).
    struct Chain {
        std::string key;
        std::vector<std::string> x5c;
    };
    Chain good;
    Chain intermediate_without_oid;
    Chain leaf_without_oid;
    Chain other_root;  // Apple-shaped, under a root the verifier does not trust

    std::string root_der() const { return good.x5c[2]; }
    std::string root_pem_path() const;
    std::string root_der_path() const;

    // A compact JWS of `payload` with `header` fields (alg ES256 and x5c from `chain` unless
    // the header sets them), signed with the chain's key.
    static std::string sign(const Chain& chain, const boost::json::object& payload,
                            boost::json::object header = {});

    std::string dir;
};

}  // namespace mindme::purchases::testing
