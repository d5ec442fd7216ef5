#pragma once
// ECDSA on P-256 with SHA-256 (JWS "ES256", RFC 7518 §3.4) on OpenSSL. A JWS signature is
// r and s as 32 big-endian bytes each, not the DER that OpenSSL speaks: converted here.
// Apple signs App Store transactions and notifications with it; the App Store Server API
// takes JWTs signed with it.
#include <memory>
#include <string>
#include <string_view>

namespace mindme::upstream {

// The 64-byte signature of `data`. Throws std::invalid_argument when the PEM holds no P-256
// private key (PKCS#8, as App Store Connect's .p8 files, or SEC1).
std::string es256_sign(std::string_view private_key_pem, std::string_view data);

class EcPublicKey {
public:
    // The key of a DER certificate; std::invalid_argument when it holds no P-256 key.
    static EcPublicKey from_certificate_der(std::string_view der);
    // False unless `signature` is 64 bytes of r||s over `data` by this key.
    bool verify(std::string_view data, std::string_view signature) const;

private:
    struct Key;
    explicit EcPublicKey(std::shared_ptr<const Key> key) : key_(std::move(key)) {}
    std::shared_ptr<const Key> key_;
};

}  // namespace mindme::upstream
