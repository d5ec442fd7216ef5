#pragma once
// RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256", RFC 7518 §3.3) on OpenSSL: signing with a
// service account's private key, verifying with the public key of an X.509 certificate.
#include <memory>
#include <string>
#include <string_view>

namespace mindme::upstream {

// The signature of `data` (raw bytes). Throws std::invalid_argument when the PEM holds
// no RSA private key.
std::string rs256_sign(std::string_view private_key_pem, std::string_view data);

class RsaPublicKey {
public:
    // The key of a PEM certificate; std::invalid_argument when it holds no RSA key.
    static RsaPublicKey from_certificate_pem(std::string_view pem);
    // The key of a PEM public key (SubjectPublicKeyInfo).
    static RsaPublicKey from_public_key_pem(std::string_view pem);
    bool verify(std::string_view data, std::string_view signature) const;

private:
    struct Key;
    explicit RsaPublicKey(std::shared_ptr<const Key> key) : key_(std::move(key)) {}
    std::shared_ptr<const Key> key_;
};

}  // namespace mindme::upstream
