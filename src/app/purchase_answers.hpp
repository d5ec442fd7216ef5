#pragma once
// What the purchase routes and jobs share: reading the stores' JSON fields, and the
// answers they give.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "core/json_fields.hpp"
#include "http/message.hpp"
#include "purchases/products.hpp"
#include "store/purchases.hpp"

namespace mindme::app {

// A StoreKit 2 signed transaction is a few KiB, a Play purchase token a few hundred bytes;
// anything past these is not one.
inline constexpr std::size_t kMaxSignedTransactionBytes = 64 * 1024;
inline constexpr std::size_t kMaxPurchaseTokenBytes = 4096;

// A grant of `product` to `user_id` for the store purchase `source`, dated now.
store::Entitlement new_grant(const purchases::Product& product, const std::string& user_id,
                             const std::string& platform, const std::string& source,
                             std::optional<std::int64_t> expires_at_ms);

// A string or integer field as text ("" when absent): the stores send ids either way.
std::string field_text(const boost::json::object& o, std::string_view key);

// The job that acknowledges (or consumes) a Google Play purchase: {"kind","product_id","token"}.
inline constexpr const char* kGoogleAcknowledgeTopic = "purchases.acknowledge";
store::OutboxJob acknowledge_job(const purchases::Product& product, const std::string& token);
// A Google Play purchase's grant source: the token's digest (tokens run long).
std::string google_source(const std::string& purchase_token);

// 422 naming the reason a store's proof was refused.
core::ApiError purchase_refused(const std::string& reason, const std::string& message);

// {"entitlement": {...}} with `status`.
http::Response entitlement_response(int status, const store::Entitlement& e);

}  // namespace mindme::app
