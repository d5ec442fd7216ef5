// Apple's signed data against a certificate authority minted by the test (Apple's shape and
// OIDs, real ES256): a valid transaction and notification verify; each rejection Apple's
// own library makes is made here, with its reason — no x5c, two certificates, another
// alg, another root, an OID missing on the leaf or the intermediate, a chain not valid at
// the signed date (even one verified and cached before), a tampered payload, another
// bundle id or environment, a Production notification without the app's appAppleId.
#include "purchases/apple_signed_data.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "core/base64.hpp"
#include "purchases/apple_test_pki.hpp"

namespace mindme::purchases {
namespace {

namespace json = boost::json;
using testing::ApplePki;

constexpr std::int64_t kAppAppleId = 1234567890;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class AppleSignedDataTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pki_ = new ApplePki(); }
    static void TearDownTestSuite() {
        delete pki_;
        pki_ = nullptr;
    }

    static AppleSignedData verifier(const std::string& environment = "Sandbox") {
        AppleOptions o;
        o.root_certificates = {pki_->root_der()};
        o.bundle_id = "app.mindme.ios";
        o.environment = environment;
        o.app_apple_id = kAppAppleId;
        return AppleSignedData(std::move(o));
    }

    static json::object transaction(std::int64_t signed_ms = now_ms()) {
        return {{"transactionId", "2000000123"}, {"originalTransactionId", "2000000123"},
                {"bundleId", "app.mindme.ios"},  {"productId", "mindme.plus.monthly"},
                {"environment", "Sandbox"},      {"signedDate", signed_ms}};
    }

    // The reason `jws` is refused with, or "" when it is not.
    static std::string refusal(const std::string& jws, bool notification = false,
                               const std::string& environment = "Sandbox") {
        try {
            auto v = verifier(environment);
            if (notification) {
                v.notification(jws);
            } else {
                v.transaction(jws);
            }
            return "";
        } catch (const Rejected& e) {
            return e.reason();
        }
    }

    static ApplePki* pki_;
};

ApplePki* AppleSignedDataTest::pki_ = nullptr;

TEST_F(AppleSignedDataTest, AValidTransactionVerifies) {
    auto payload = verifier().transaction(ApplePki::sign(pki_->good, transaction()));
    EXPECT_EQ(payload.at("transactionId"), "2000000123");
    EXPECT_EQ(payload.at("productId"), "mindme.plus.monthly");
}

TEST_F(AppleSignedDataTest, TheHeaderMustBeES256WithThreeCertificates) {
    json::object no_x5c{{"x5c", nullptr}};
    EXPECT_EQ(refusal(ApplePki::sign(pki_->good, transaction(), no_x5c)), "missing_x5c");
    json::array two;
    for (int i = 0; i < 2; ++i)
        two.push_back(
            json::string(core::base64_encode(pki_->good.x5c[static_cast<std::size_t>(i)])));
    json::object short_chain{{"x5c", two}};
    EXPECT_EQ(refusal(ApplePki::sign(pki_->good, transaction(), short_chain)),
              "invalid_chain_length");
    for (const char* alg : {"RS256", "none", "ES384"}) {
        json::object header{{"alg", alg}};
        EXPECT_EQ(refusal(ApplePki::sign(pki_->good, transaction(), header)), "invalid_algorithm")
            << alg;
    }
    json::array junk{"not base64!", "x", "y"};
    json::object bad_certs{{"x5c", junk}};
    EXPECT_EQ(refusal(ApplePki::sign(pki_->good, transaction(), bad_certs)), "invalid_certificate");
    EXPECT_EQ(refusal("only.two"), "invalid_jws");
    EXPECT_EQ(refusal("a.b.c"), "invalid_jws");
}

TEST_F(AppleSignedDataTest, TheChainMustLeadToAConfiguredRootWithAppleOids) {
    EXPECT_EQ(refusal(ApplePki::sign(pki_->other_root, transaction())), "untrusted_chain");
    EXPECT_EQ(refusal(ApplePki::sign(pki_->leaf_without_oid, transaction())),
              "invalid_certificate");
    EXPECT_EQ(refusal(ApplePki::sign(pki_->intermediate_without_oid, transaction())),
              "invalid_certificate");
}

TEST_F(AppleSignedDataTest, TheChainIsCheckedAtTheSignedDateEvenWhenCached) {
    auto v = verifier();
    v.transaction(ApplePki::sign(pki_->good, transaction()));  // the chain is cached now
    auto in_ten_days = now_ms() + 10LL * 24 * 3600 * 1000;
    try {
        v.transaction(ApplePki::sign(pki_->good, transaction(in_ten_days)));
        ADD_FAILURE() << "a chain expired at the signed date was accepted";
    } catch (const Rejected& e) {
        EXPECT_EQ(e.reason(), "certificate_expired");
    }
    EXPECT_EQ(refusal(ApplePki::sign(pki_->good, transaction(978307200000))),  // 2001
              "certificate_expired");
}

TEST_F(AppleSignedDataTest, ATamperedPayloadFailsTheSignature) {
    auto jws = ApplePki::sign(pki_->good, transaction());
    auto forged = transaction();
    forged["productId"] = "mindme.lifetime";
    auto other = ApplePki::sign(pki_->good, forged);
    // The forged payload with the first signature.
    auto first_dot = jws.find('.');
    auto payload_of = [](const std::string& t) {
        auto a = t.find('.');
        return t.substr(a + 1, t.rfind('.') - a - 1);
    };
    auto tampered = jws.substr(0, first_dot + 1) + payload_of(other) + jws.substr(jws.rfind('.'));
    EXPECT_EQ(refusal(tampered), "invalid_signature");
}

TEST_F(AppleSignedDataTest, TheAppAndEnvironmentMustBeOurs) {
    auto other_app = transaction();
    other_app["bundleId"] = "com.example.other";
    EXPECT_EQ(refusal(ApplePki::sign(pki_->good, other_app)), "wrong_bundle_id");
    EXPECT_EQ(refusal(ApplePki::sign(pki_->good, transaction()), false, "Production"),
              "wrong_environment");
}

TEST_F(AppleSignedDataTest, AProductionNotificationNeedsTheAppsAppleId) {
    auto notification = [](std::optional<std::int64_t> app_apple_id) {
        json::object data{{"bundleId", "app.mindme.ios"}, {"environment", "Production"}};
        if (app_apple_id) data["appAppleId"] = *app_apple_id;
        return json::object{{"notificationType", "REFUND"},
                            {"notificationUUID", "2a6f0c3e-1111-4d7b-9c55-0123456789ab"},
                            {"data", data},
                            {"signedDate", now_ms()}};
    };
    auto ok = ApplePki::sign(pki_->good, notification(kAppAppleId));
    EXPECT_EQ(refusal(ok, true, "Production"), "");
    EXPECT_EQ(refusal(ApplePki::sign(pki_->good, notification(std::nullopt)), true, "Production"),
              "wrong_app_apple_id");
    EXPECT_EQ(refusal(ApplePki::sign(pki_->good, notification(42)), true, "Production"),
              "wrong_app_apple_id");
    EXPECT_EQ(refusal(ok, true, "Sandbox"), "wrong_environment");
}

TEST_F(AppleSignedDataTest, RootsLoadFromPemOrDerAndAreRequired) {
    EXPECT_EQ(load_root_certificates(pki_->root_pem_path()),
              std::vector<std::string>{pki_->root_der()});
    EXPECT_EQ(load_root_certificates(pki_->root_der_path()),
              std::vector<std::string>{pki_->root_der()});
    EXPECT_THROW(load_root_certificates(pki_->dir + "/root.key"), std::invalid_argument);
    EXPECT_THROW(load_root_certificates(pki_->dir + "/missing.pem"), std::invalid_argument);
    AppleOptions none;
    none.bundle_id = "app.mindme.ios";
    none.environment = "Sandbox";
    EXPECT_THROW(AppleSignedData{none}, std::invalid_argument);
    AppleOptions production;
    production.root_certificates = {pki_->root_der()};
    production.bundle_id = "app.mindme.ios";
    EXPECT_THROW(AppleSignedData{production}, std::invalid_argument);  // no appAppleId
}

}  // namespace
}  // namespace mindme::purchases
