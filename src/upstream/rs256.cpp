#include "upstream/rs256.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>

#include "core/openssl_handles.hpp"

namespace mindme::upstream {

namespace {

using core::ssl::memory_bio;
using core::ssl::Pkey;

Pkey require_rsa(EVP_PKEY* key, const char* what) {
    Pkey owned(key);
    if (!owned || EVP_PKEY_base_id(owned.get()) != EVP_PKEY_RSA)
        throw std::invalid_argument(std::string("not an RSA ") + what);
    return owned;
}

}  // namespace

struct RsaPublicKey::Key {
    Pkey key;
};

std::string rs256_sign(std::string_view private_key_pem, std::string_view data) {
    auto bio = memory_bio(private_key_pem);
    auto key =
        require_rsa(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), "private key");
    core::ssl::MdCtx ctx(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("RS256 signing failed");
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("RS256 signing failed");
    signature.resize(length);
    return signature;
}

RsaPublicKey RsaPublicKey::from_certificate_pem(std::string_view pem) {
    auto bio = memory_bio(pem);
    core::ssl::Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) throw std::invalid_argument("not a PEM certificate");
    auto key = require_rsa(X509_get_pubkey(cert.get()), "certificate key");
    return RsaPublicKey(std::make_shared<const Key>(Key{std::move(key)}));
}

RsaPublicKey RsaPublicKey::from_public_key_pem(std::string_view pem) {
    auto bio = memory_bio(pem);
    auto key = require_rsa(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), "public key");
    return RsaPublicKey(std::make_shared<const Key>(Key{std::move(key)}));
}

bool RsaPublicKey::verify(std::string_view data, std::string_view signature) const {
    core::ssl::MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx ||
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size()) == 1;
}

}  // namespace mindme::upstream
