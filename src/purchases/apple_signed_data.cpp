#include "purchases/apple_signed_data.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/json.hpp>
#include <fstream>
#include <list>
#include <mutex>
#include <sstream>

#include "core/base64.hpp"
#include "core/compact_jws.hpp"
#include "core/digest.hpp"
#include "core/json_fields.hpp"
#include "core/openssl_handles.hpp"
#include "upstream/es256.hpp"

namespace mindme::purchases {

namespace json = boost::json;
namespace ssl = core::ssl;

namespace {

constexpr const char* kLeafOid = "1.2.840.113635.100.6.11.1";
constexpr const char* kIntermediateOid = "1.2.840.113635.100.6.2.1";

ssl::Cert parse_der(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ssl::Cert cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (cert && p != reinterpret_cast<const unsigned char*>(der.data() + der.size()))
        cert.reset();  // trailing bytes: not one certificate
    return cert;
}

bool has_extension(X509* cert, const char* oid) {
    ASN1_OBJECT* object = OBJ_txt2obj(oid, 1);
    if (!object) return false;
    int at = X509_get_ext_by_OBJ(cert, object, -1);
    ASN1_OBJECT_free(object);
    return at >= 0;
}

std::string string_field(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Where bundleId, environment and appAppleId are: the payload itself (a transaction), or
// its data or summary (a notification).
const json::object& app_fields(const json::object& payload) {
    for (const char* key : {"data", "summary", "externalPurchaseToken", "appData"})
        if (const auto* v = payload.if_contains(key); v && v->is_object()) return v->as_object();
    return payload;
}

}  // namespace

std::vector<std::string> load_root_certificates(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot read Apple root certificate file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    auto bytes = text.str();
    std::vector<std::string> out;
    if (bytes.find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
        auto bio = ssl::memory_bio(bytes);
        while (ssl::Cert cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
            unsigned char* der = nullptr;
            int n = i2d_X509(cert.get(), &der);
            if (n > 0) out.emplace_back(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
            OPENSSL_free(der);
        }
        ERR_clear_error();  // the read that ended the loop
    } else if (parse_der(bytes)) {
        out.push_back(bytes);  // Apple publishes its roots as DER .cer files
    }
    if (out.empty())
        throw std::invalid_argument("no certificate (PEM or DER) in Apple root file " + path);
    return out;
}

struct AppleSignedData::Impl {
    // A chain verified before: its leaf key, and when every certificate of it is valid.
    struct Chain {
        std::string key;  // sha256 of the leaf's and intermediate's DER
        upstream::EcPublicKey leaf_key;
        std::time_t not_before;
        std::time_t not_after;
        std::chrono::steady_clock::time_point verified_at;
    };

    AppleOptions options;
    ssl::Store store{X509_STORE_new()};
    mutable std::mutex mutex;
    mutable std::list<Chain> chains;  // most recent first

    std::optional<upstream::EcPublicKey> cached(const std::string& key, std::time_t at) const {
        std::lock_guard lock(mutex);
        auto now = std::chrono::steady_clock::now();
        std::erase_if(chains, [&](const Chain& c) {
            return now - c.verified_at > AppleSignedData::kChainCacheAge;
        });
        for (auto it = chains.begin(); it != chains.end(); ++it)
            if (it->key == key && at >= it->not_before && at <= it->not_after) {
                chains.splice(chains.begin(), chains, it);
                return it->leaf_key;
            }
        return std::nullopt;
    }

    void remember(Chain chain) const {
        std::lock_guard lock(mutex);
        chains.push_front(std::move(chain));
        if (chains.size() > AppleSignedData::kChainCacheEntries) chains.pop_back();
    }

    // The leaf's key once [leaf, intermediate] chained to a root at `at`.
    upstream::EcPublicKey verify_chain(const std::string& leaf_der,
                                       const std::string& intermediate_der, std::time_t at) const {
        auto key = core::sha256_hex(leaf_der + intermediate_der);
        if (auto known = cached(key, at)) return *known;
        auto leaf = parse_der(leaf_der);
        auto intermediate = parse_der(intermediate_der);
        if (!leaf || !intermediate)
            throw Rejected("invalid_certificate", "an x5c certificate is not DER");
        if (!has_extension(leaf.get(), kLeafOid))
            throw Rejected("invalid_certificate",
                           "the signing certificate lacks Apple's receipt-signing OID");
        if (!has_extension(intermediate.get(), kIntermediateOid))
            throw Rejected("invalid_certificate",
                           "the intermediate certificate lacks Apple's WWDR OID");
        std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> untrusted(
            sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_free(s); });
        sk_X509_push(untrusted.get(), intermediate.get());
        ssl::StoreCtx ctx(X509_STORE_CTX_new());
        if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1)
            throw std::bad_alloc();
        X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_X509_STRICT);
        X509_STORE_CTX_set_time(ctx.get(), 0, at);
        if (X509_verify_cert(ctx.get()) != 1) {
            int error = X509_STORE_CTX_get_error(ctx.get());
            bool dated =
                error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID;
            throw Rejected(dated ? "certificate_expired" : "untrusted_chain",
                           std::string(dated ? "the certificate chain was not valid at the "
                                               "signed date: "
                                             : "the certificate chain does not lead to a "
                                               "configured Apple root: ") +
                               X509_verify_cert_error_string(error));
        }
        std::time_t not_before = 0, not_after = std::numeric_limits<std::time_t>::max();
        for (X509* cert : {leaf.get(), intermediate.get()}) {
            std::tm tm{};
            if (ASN1_TIME_to_tm(X509_get0_notBefore(cert), &tm) == 1)
                not_before = std::max(not_before, timegm(&tm));
            if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1)
                not_after = std::min(not_after, timegm(&tm));
        }
        auto leaf_key = [&] {
            try {
                return upstream::EcPublicKey::from_certificate_der(leaf_der);
            } catch (const std::invalid_argument&) {
                throw Rejected("invalid_certificate", "the signing key is not P-256");
            }
        }();
        remember(Chain{key, leaf_key, not_before, not_after, std::chrono::steady_clock::now()});
        return leaf_key;
    }
};

AppleSignedData::AppleSignedData(AppleOptions options) : impl_(std::make_unique<Impl>()) {
    if (options.root_certificates.empty())
        throw std::invalid_argument("no Apple root certificate configured");
    if (options.environment == "Production" && !options.app_apple_id)
        throw std::invalid_argument("an App Store app in Production needs its appAppleId");
    if (!impl_->store) throw std::bad_alloc();
    for (const auto& der : options.root_certificates) {
        auto cert = parse_der(der);
        if (!cert || X509_STORE_add_cert(impl_->store.get(), cert.get()) != 1)
            throw std::invalid_argument("an Apple root certificate cannot be read");
    }
    impl_->options = std::move(options);
}

AppleSignedData::~AppleSignedData() = default;

json::object AppleSignedData::decode(std::string_view jws) const {
    core::CompactJws parts;
    if (auto malformed = core::decode_compact_jws(jws, parts))
        throw Rejected("invalid_jws", "the signed data is no compact JWS: " + *malformed);
    if (string_field(parts.header, "alg") != "ES256")
        throw Rejected("invalid_algorithm", "the signed data's alg must be ES256");
    const auto* x5c = parts.header.if_contains("x5c");
    if (!x5c || !x5c->is_array() || x5c->as_array().empty())
        throw Rejected("missing_x5c", "the signed data's header has no x5c certificates");
    const auto& chain = x5c->as_array();
    if (chain.size() != 3)
        throw Rejected("invalid_chain_length",
                       "x5c must hold exactly three certificates (leaf, intermediate, root)");
    std::vector<std::string> der;
    for (const auto& c : chain) {
        auto bytes = c.is_string() ? core::base64_decode(c.as_string()) : std::nullopt;
        if (!bytes) throw Rejected("invalid_certificate", "an x5c entry is not base64 DER");
        der.push_back(std::move(*bytes));
    }
    // Apple's library checks the chain as of when the data was signed, so data signed with
    // a certificate since expired still verifies.
    auto signed_ms = core::json_int(parts.payload, "signedDate");
    if (!signed_ms) signed_ms = core::json_int(parts.payload, "receiptCreationDate");
    if (!signed_ms) throw Rejected("invalid_payload", "the signed data has no signedDate");
    auto at = static_cast<std::time_t>(*signed_ms / 1000);
    auto key = impl_->verify_chain(der[0], der[1], at);
    if (!key.verify(parts.signing_input, parts.signature))
        throw Rejected("invalid_signature", "the signature does not match the signed data");

    return std::move(parts.payload);
}

void AppleSignedData::check_app(const json::object& app, bool with_app_apple_id) const {
    const auto& o = impl_->options;
    if (string_field(app, "bundleId") != o.bundle_id)
        throw Rejected("wrong_bundle_id", "the signed data is for another app (bundleId)");
    if (with_app_apple_id && o.environment == "Production" &&
        core::json_int(app, "appAppleId") != o.app_apple_id)
        throw Rejected("wrong_app_apple_id",
                       "the signed data's appAppleId is missing or not this app's");
    if (string_field(app, "environment") != o.environment)
        throw Rejected("wrong_environment", "the signed data is from the " +
                                                string_field(app, "environment") +
                                                " environment; this server takes " + o.environment);
}

json::object AppleSignedData::transaction(std::string_view jws) const {
    auto payload = decode(jws);
    check_app(payload, false);
    return payload;
}

json::object AppleSignedData::notification(std::string_view jws) const {
    auto payload = decode(jws);
    check_app(app_fields(payload), true);
    return payload;
}

}  // namespace mindme::purchases
