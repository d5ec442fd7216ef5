#include "app/sync_routes.hpp"

#include <boost/json.hpp>

#include "app/limits.hpp"
#include "app/openapi_doc.hpp"
#include "app/paging.hpp"
#include "app/route_table.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "store/purchases.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

void append_change(std::string& out, const store::Change& c) {
    if (c.kind == store::kEntitlementChange) {
        // The snapshot is the entitlement's JSON as GET /v1/entitlements shows it.
        out += "{\"type\":\"entitlement\",\"entitlement\":";
        out += c.snapshot;
        out += '}';
    } else if (c.kind == "delete") {
        out += "{\"type\":\"delete\",\"id\":";
        core::append_json_string(out, c.entity_id);
        out += ",\"deleted_at\":\"";
        out += core::format_rfc3339_ms(c.at_ms);
        out += "\"}";
    } else {
        // The snapshot is the memory's JSON as the API wrote it then.
        out += "{\"type\":\"upsert\",\"memory\":";
        out += c.snapshot;
        out += '}';
    }
}

}  // namespace

Sync::Sync(store::MemoryStore& store, auth::Authenticator& auth) : store_(store), auth_(auth) {}

boost::asio::awaitable<Response> Sync::changes(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto since = sync_cursor_param(req, "since");
    auto limit = limit_param(req, "limit", kDefaultChanges, kMaxChanges);
    auto page = co_await store_.changes(user.id, since, limit, req.deadline);
    if (page.changes.empty() && since > 0) {
        // Nothing after the cursor: it is current, unless it is past the end of the log
        // (the data was restored from a backup, or the cursor belongs elsewhere). Such a
        // client would otherwise miss every change up to its number, silently.
        std::vector<std::string> ids{user.id};
        auto latest = co_await store_.latest_change_seqs(std::move(ids), req.deadline);
        // A replica may lag behind a cursor the primary handed out: "ahead" is confirmed
        // on the primary (rarely needed, so idle polls stay on the replicas).
        bool ahead = since > (latest.empty() ? 0 : latest.front().second);
        if (ahead) {
            auto on_primary = co_await store_.latest_change_seq_on_primary(user.id, req.deadline);
            ahead = since > on_primary;
        }
        if (ahead)
            throw ApiError(ErrorCode::kGone,
                           "the cursor is ahead of this account's changes; sync again from the "
                           "start (without since)");
    }
    std::string body = "{\"changes\":[";
    bool first = true;
    for (const auto& c : page.changes) {
        // The log also records file events (for /v1/events); sync carries memories and
        // entitlements.
        if (c.kind != "upsert" && c.kind != "delete" && c.kind != store::kEntitlementChange)
            continue;
        if (!first) body += ',';
        first = false;
        append_change(body, c);
    }
    auto cursor = page.changes.empty() ? since : page.changes.back().seq;
    body += "],\"cursor\":\"" + encode_sync_cursor(cursor) + "\",\"has_more\":";
    body += page.more ? "true}" : "false}";
    auto r = Response::json(200, std::move(body));
    r.set_header("Cache-Control", "no-store");
    co_return r;
}

void Sync::add_routes(http::Router& router) {
    namespace json = boost::json;
    using namespace doc;
    json::value change{
        {"oneOf",
         json::array{
             json::object{{"type", "object"},
                          {"required", json::array{"type", "memory"}},
                          {"properties",
                           {{"type", {{"type", "string"}, {"enum", json::array{"upsert"}}}},
                            {"memory", memory_schema()}}}},
             json::object{{"type", "object"},
                          {"required", json::array{"type", "id", "deleted_at"}},
                          {"properties",
                           {{"type", {{"type", "string"}, {"enum", json::array{"delete"}}}},
                            {"id", {{"type", "string"}}},
                            {"deleted_at", {{"type", "string"}, {"format", "date-time"}}}}}},
             json::object{
                 {"type", "object"},
                 {"required", json::array{"type", "entitlement"}},
                 {"description",
                  "An entitlement granted or changed (renewed, revoked): as GET "
                  "/v1/entitlements shows it, with active. Clients ignore types they do not "
                  "know."},
                 {"properties",
                  {{"type", {{"type", "string"}, {"enum", json::array{"entitlement"}}}},
                   {"entitlement", {{"type", "object"}}}}}}}}};
    json::value page_of_changes{{"type", "object"},
                                {"required", json::array{"changes", "cursor", "has_more"}},
                                {"properties",
                                 {{"changes", {{"type", "array"}, {"items", change}}},
                                  {"cursor", {{"type", "string"}}},
                                  {"has_more", {{"type", "boolean"}}}}}};
    add_route_table(
        router,
        {"sync",
         true,
         {{"GET",
           "/v1/sync",
           [this](Request& r) { return changes(r); },
           {"Changes to the user's data since a cursor, in the order they happened",
            {{"parameters",
              json::array{query_param("since",
                                      "cursor of an earlier answer; absent: from the first change.",
                                      {{"type", "string"}}),
                          query_param("limit",
                                      "At most this many changes, 1 to 1000; a page also ends once "
                                      "it passes 1 MiB (has_more is then true).",
                                      {{"type", "integer"},
                                       {"minimum", 1},
                                       {"maximum", kMaxChanges},
                                       {"default", kDefaultChanges}})}}},
            {{"200", with_body("Changes after `since`; feed `cursor` back for the next ones",
                               page_of_changes)},
             {"410",
              described("The cursor is ahead of the account's change log (restored data): sync "
                        "from the start")},
             {"422", described("limit out of range")}}}}}});
}

}  // namespace mindme::app
