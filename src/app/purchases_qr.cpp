// The QR hand-off: a session without a store (the web app) shows a code; a phone signed in
// to any account — or to none — scans it, reads which product to buy and for which
// account (its app_account_token), buys it in the store, and redeems the code with the
// store's proof. The grant goes to the code's owner, whose web session hears
// entitlement.changed. The code is the credential: 128 random bits, single use, short-lived,
// kept only as its SHA-256.
#include <boost/json.hpp>

#include "app/json_body.hpp"
#include "app/limits.hpp"
#include "app/openapi_doc.hpp"
#include "app/purchase_answers.hpp"
#include "app/purchases_routes.hpp"
#include "app/route_table.hpp"
#include "core/clock.hpp"
#include "core/digest.hpp"
#include "core/ids.hpp"
#include "purchases/qr_code.hpp"

namespace mindme::app {

namespace json = boost::json;
using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kMaxCodeChars = 64;

enum class Drawing { kNone, kSvg, kPng };

// The code of a {code}, {code}.svg or {code}.png path segment, and which it was.
std::pair<std::string, Drawing> code_of(std::string_view segment) {
    for (auto [suffix, kind] : {std::pair{".svg", Drawing::kSvg}, std::pair{".png", Drawing::kPng}})
        if (segment.size() > 4 && segment.substr(segment.size() - 4) == suffix)
            return {std::string(segment.substr(0, segment.size() - 4)), kind};
    return {std::string(segment), Drawing::kNone};
}

// The code's row, or the answer a client gets for a code it cannot use: 404 unknown,
// 410 expired, 409 used.
store::PurchaseCode usable(const std::optional<store::PurchaseCode>& code, std::int64_t now) {
    if (!code) throw ApiError(ErrorCode::kNotFound, "no such purchase code");
    if (code->redeemed_at_ms) throw ApiError(ErrorCode::kConflict, "this code was used already");
    if (code->expires_at_ms <= now) throw ApiError(ErrorCode::kGone, "this code has expired");
    return *code;
}

}  // namespace

boost::asio::awaitable<Response> Purchases::create_code(Request& req) {
    auto user = co_await auth_.authenticate(req);
    if (products_.empty())
        throw ApiError(ErrorCode::kUnavailable, "purchases are not configured on this server");
    auto body = parse_json_object(req);
    auto product_id = require_string(body, "product_id");
    if (!purchases::find_product(products_, product_id))
        throw purchase_refused("unknown_product", "product " + product_id + " is not sold here");
    auto code = core::random_id(kPurchaseCodeBytes);
    auto now = core::now_ms();
    store::PurchaseCode row{
        core::sha256_hex(code),
        user.id,
        product_id,
        now,
        now + std::chrono::duration_cast<std::chrono::milliseconds>(code_ttl_).count(),
        std::nullopt};
    auto expires = row.expires_at_ms;
    co_await store_.create_code(std::move(row), req.deadline);
    json::object out{{"code", code},
                     {"url", link_base_ + code},
                     {"expires_at", core::format_rfc3339_ms(expires)}};
    auto r = Response::json(201, json::serialize(out));
    r.set_header("Cache-Control", "no-store");
    co_return r;
}

boost::asio::awaitable<Response> Purchases::show_code(Request& req) {
    auto [code, drawing] = code_of(req.param("code"));
    if (code.empty() || code.size() > kMaxCodeChars)
        throw ApiError(ErrorCode::kNotFound, "no such purchase code");
    auto hash = core::sha256_hex(code);
    auto found = co_await store_.find_code(std::move(hash), req.deadline);
    auto row = usable(found, core::now_ms());
    Response r;
    if (drawing == Drawing::kNone) {
        const auto* product = purchases::find_product(products_, row.product_id);
        auto owner = row.user_id;
        auto token = co_await store_.app_account_token(std::move(owner), req.deadline);
        json::object out{{"product_id", row.product_id},
                         {"entitlement", product ? product->entitlement : ""},
                         {"kind", product ? product->kind : ""},
                         {"app_account_token", token},
                         {"expires_at", core::format_rfc3339_ms(row.expires_at_ms)}};
        r = Response::json(200, json::serialize(out));
    } else {
        purchases::QrCode qr(link_base_ + code);
        r.status = 200;
        if (drawing == Drawing::kSvg) {
            r.body = qr.svg(kQrModulePixels);
            r.set_header("Content-Type", "image/svg+xml");
        } else {
            r.body = qr.png(kQrModulePixels);
            r.set_header("Content-Type", "image/png");
        }
    }
    r.set_header("Cache-Control", "no-store");
    co_return r;
}

boost::asio::awaitable<Response> Purchases::redeem_code(Request& req) {
    auto [code, drawing] = code_of(req.param("code"));
    if (drawing != Drawing::kNone || code.empty() || code.size() > kMaxCodeChars)
        throw ApiError(ErrorCode::kNotFound, "no such purchase code");
    auto hash = core::sha256_hex(code);
    auto found = co_await store_.find_code(hash, req.deadline);
    auto row = usable(found, core::now_ms());
    auto proof = proof_of(parse_json_object(req));
    // The proof must name the code's owner: the phone bought for that account.
    auto proven = co_await prove(proof, row.user_id, true, req.deadline);
    auto& e = proven.entitlement;
    if (e.product_id != row.product_id)
        throw purchase_refused("wrong_product", "the purchase is of " + e.product_id +
                                                    ", the code is for " + row.product_id);
    auto now = core::now_ms();
    auto result =
        co_await store_.redeem_code(hash, std::move(e), now, req.deadline, proven.acknowledge);
    switch (result.status) {
        case store::RedeemStatus::kUnknown:
            throw ApiError(ErrorCode::kNotFound, "no such purchase code");
        case store::RedeemStatus::kExpired:
            throw ApiError(ErrorCode::kGone, "this code has expired");
        case store::RedeemStatus::kUsed:
            throw ApiError(ErrorCode::kConflict, "this code was used already");
        case store::RedeemStatus::kOtherAccount:
            throw ApiError(ErrorCode::kConflict, "this purchase belongs to another account");
        case store::RedeemStatus::kGranted:
            break;
    }
    granted(result.entitlement, result.created);
    co_return entitlement_response(201, result.entitlement);
}

void Purchases::add_code_routes(http::Router& router) {
    using namespace doc;
    auto code_param = path_param("code", "The hand-off code (.svg or .png after it: the image).");
    json::value created{{"type", "object"},
                        {"properties",
                         {{"code", {{"type", "string"}}},
                          {"url", {{"type", "string"}, {"description", "What the QR code holds."}}},
                          {"expires_at", {{"type", "string"}, {"format", "date-time"}}}}}};
    add_route_table(router,
                    {"purchases",
                     true,
                     {{"POST",
                       "/v1/purchases/qr",
                       [this](Request& r) { return create_code(r); },
                       {"Start a QR hand-off: another device buys a product for this account",
                        {{"requestBody",
                          json_request({{"type", "object"},
                                        {"required", json::array{"product_id"}},
                                        {"properties", {{"product_id", {{"type", "string"}}}}}})}},
                        {{"201", with_body("A single-use code and its URL", created)},
                         {"422", described("The product is not sold here")},
                         {"503", described("Purchases are not configured")}}}}}});
    json::value shown{{"type", "object"},
                      {"properties",
                       {{"product_id", {{"type", "string"}}},
                        {"entitlement", {{"type", "string"}}},
                        {"kind", {{"type", "string"}}},
                        {"app_account_token",
                         {{"type", "string"},
                          {"description", "Buy with it, so the purchase names the account."}}},
                        {"expires_at", {{"type", "string"}, {"format", "date-time"}}}}}};
    auto gone = [](json::object responses) {
        responses["404"] = described("No such code");
        responses["409"] = described("The code was used (or the purchase is another account's)");
        responses["410"] = described("The code has expired");
        return responses;
    };
    // The code is the credential here: the phone that scans it may be signed in to no
    // account, or to another one.
    add_route_table(
        router,
        {"purchases",
         false,
         {{"GET",
           "/v1/purchases/qr/{code}",
           [this](Request& r) { return show_code(r); },
           {"What a hand-off code asks for (or its QR code: {code}.svg, {code}.png)",
            {{"parameters", json::array{code_param}}},
            gone({{"200", with_body("The product and the account to buy it for", shown)}})}},
          {"POST",
           "/v1/purchases/qr/{code}/redeem",
           [this](Request& r) { return redeem_code(r); },
           {"Redeem a hand-off code with the store's proof of the purchase",
            {{"parameters", json::array{code_param}},
             {"requestBody", json_request({{"type", "object"},
                                           {"required", json::array{"platform"}},
                                           {"properties",
                                            {{"platform", {{"type", "string"}}},
                                             {"signed_transaction", {{"type", "string"}}}}}})}},
            gone({{"201", with_body("Granted to the code's owner",
                                    {{"type", "object"},
                                     {"properties", {{"entitlement", {{"type", "object"}}}}}})},
                  {"422", described("The proof was refused; the message names the reason")}})}}}});
}

}  // namespace mindme::app
