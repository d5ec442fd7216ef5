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
#include "store/purchases.hpp"

namespace mindme::app {

// A StoreKit 2 signed transaction is a few KiB; anything past this is not one.
inline constexpr std::size_t kMaxSignedTransactionBytes = 64 * 1024;

// A string or integer field as text ("" when absent): the stores send ids either way.
std::string field_text(const boost::json::object& o, std::string_view key);
// An integer field (milliseconds since the epoch, as Apple sends dates).
inline std::optional<std::int64_t> field_millis(const boost::json::object& o,
                                                std::string_view key) {
    return core::json_int(o, key);
}

// 422 naming the reason a store's proof was refused.
core::ApiError purchase_refused(const std::string& reason, const std::string& message);

// {"entitlement": {...}} with `status`.
http::Response entitlement_response(int status, const store::Entitlement& e);

}  // namespace mindme::app
