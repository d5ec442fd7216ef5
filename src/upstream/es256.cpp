#include "upstream/es256.hpp"

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "core/openssl_handles.hpp"

namespace mindme::upstream {

namespace {

using core::ssl::Pkey;
constexpr int kHalf = 32;  // bytes of r, and of s

struct SigFree {
    void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
using Sig = std::unique_ptr<ECDSA_SIG, SigFree>;
struct BnFree {
    void operator()(BIGNUM* b) const { BN_free(b); }
};

Pkey require_p256(EVP_PKEY* key, const char* what) {
    Pkey owned(key);
    bool p256 = false;
    if (owned && EVP_PKEY_base_id(owned.get()) == EVP_PKEY_EC) {
        char group[64] = {};
        std::size_t length = 0;
        p256 = EVP_PKEY_get_utf8_string_param(owned.get(), "group", group, sizeof group, &length) ==
                   1 &&
               std::string_view(group, length) == "prime256v1";
    }
    if (!p256) throw std::invalid_argument(std::string("not a P-256 ") + what);
    return owned;
}

}  // namespace

struct EcPublicKey::Key {
    Pkey key;
};

std::string es256_sign(std::string_view private_key_pem, std::string_view data) {
    auto bio = core::ssl::memory_bio(private_key_pem);
    auto key =
        require_p256(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), "private key");
    core::ssl::MdCtx ctx(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("ES256 signing failed");
    std::string der(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw std::runtime_error("ES256 signing failed");
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Sig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(length)));
    if (!sig) throw std::runtime_error("ES256 signing failed");
    std::string out(2 * kHalf, '\0');
    auto* raw = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw, kHalf) != kHalf ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw + kHalf, kHalf) != kHalf)
        throw std::runtime_error("ES256 signing failed");
    return out;
}

EcPublicKey EcPublicKey::from_certificate_der(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    core::ssl::Cert cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert) throw std::invalid_argument("not a DER certificate");
    auto key = require_p256(X509_get_pubkey(cert.get()), "certificate key");
    return EcPublicKey(std::make_shared<const Key>(Key{std::move(key)}));
}

bool EcPublicKey::verify(std::string_view data, std::string_view signature) const {
    if (signature.size() != 2 * kHalf) return false;
    const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
    std::unique_ptr<BIGNUM, BnFree> r(BN_bin2bn(raw, kHalf, nullptr));
    std::unique_ptr<BIGNUM, BnFree> s(BN_bin2bn(raw + kHalf, kHalf, nullptr));
    Sig sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return false;
    r.release();  // owned by sig now
    s.release();
    unsigned char* der = nullptr;
    int length = i2d_ECDSA_SIG(sig.get(), &der);
    if (length <= 0) return false;
    std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(
        der, [](unsigned char* d) { OPENSSL_free(d); });
    core::ssl::MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx ||
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(length),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

}  // namespace mindme::upstream
