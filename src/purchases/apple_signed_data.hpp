#pragma once
// Apple's signed App Store data — a transaction, renewal info, or a Server Notification
// V2 — verified as Apple's own server library verifies it: a compact JWS with alg ES256
// only, an x5c of exactly three certificates (leaf, intermediate, root), the leaf and
// intermediate chained to one of the configured Apple roots and valid at the payload's
// signedDate (X509_STRICT), the leaf carrying OID 1.2.840.113635.100.6.11.1 and the
// intermediate 1.2.840.113635.100.6.2.1, the signature made by the leaf's key; then the
// payload's bundleId and environment, and for a notification in Production its appAppleId
// (Apple's library asks it of notifications, not of transactions). Verified chains are
// kept 15 minutes (at most 32), so a burst of purchases does not rebuild the same chain.
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mindme::purchases {

// Why Apple's data was refused: `reason` is a stable code (docs/purchases.md lists them),
// what() says it in words.
class Rejected : public std::runtime_error {
public:
    Rejected(std::string reason, const std::string& message)
        : std::runtime_error(message), reason_(std::move(reason)) {}
    const std::string& reason() const { return reason_; }

private:
    std::string reason_;
};

struct AppleOptions {
    std::vector<std::string> root_certificates;  // DER, as loaded from the configured files
    std::string bundle_id;
    std::string environment = "Production";    // Sandbox, Xcode, LocalTesting
    std::optional<std::int64_t> app_apple_id;  // required in Production
};

// A root certificate file's certificates as DER: PEM (one or more) or DER (Apple's .cer).
// Throws std::invalid_argument naming the file when it holds none.
std::vector<std::string> load_root_certificates(const std::string& path);

class AppleSignedData {
public:
    static constexpr std::chrono::minutes kChainCacheAge{15};
    static constexpr std::size_t kChainCacheEntries = 32;

    // Throws std::invalid_argument for options that cannot verify anything (no root, a
    // Production verifier without app_apple_id).
    explicit AppleSignedData(AppleOptions options);
    ~AppleSignedData();

    // A signed transaction's (or renewal info's) payload, verified. Throws Rejected.
    boost::json::object transaction(std::string_view jws) const;
    // A Server Notification V2's payload, verified (bundleId, appAppleId and environment
    // from its data, summary or externalPurchaseToken). Throws Rejected.
    boost::json::object notification(std::string_view jws) const;

private:
    boost::json::object decode(std::string_view jws) const;
    void check_app(const boost::json::object& app, bool with_app_apple_id) const;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::purchases
