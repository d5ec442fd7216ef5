#include "app/search_routes.hpp"

#include <boost/json.hpp>
#include <charconv>

#include "app/json_body.hpp"
#include "app/limits.hpp"
#include "app/openapi_doc.hpp"
#include "app/paging.hpp"
#include "app/route_table.hpp"
#include "core/json.hpp"
#include "core/text.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {}  // namespace

Search::Search(search::SearchIndex& index, auth::Authenticator& auth)
    : index_(index), auth_(auth) {}

boost::asio::awaitable<Response> Search::query(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto raw = req.query_param("q");
    auto q = std::string(core::trim(raw.value_or(""), " \t\r\n"));
    if (q.empty()) throw ApiError(ErrorCode::kUnprocessable, "q must be a non-empty query");
    if (code_points(q) > kMaxQueryChars)
        throw ApiError(ErrorCode::kUnprocessable, "q must be at most 500 characters");
    auto limit = limit_param(req, "limit", kDefaultHits, kMaxHits);
    auto hits = co_await index_.search(user.id, std::move(q), limit);
    std::string body = "{\"hits\":[";
    for (std::size_t i = 0; i < hits.size(); ++i) {
        const auto& h = hits[i];
        if (i) body += ',';
        body += "{\"kind\":";
        core::append_json_string(body, h.kind);
        body += ",\"id\":";
        core::append_json_string(body, h.id);
        body += ",\"title\":";
        core::append_json_string(body, h.title);
        body += ",\"snippet\":";
        core::append_json_string(body, h.snippet);
        body += ",\"score\":";
        char score[32];
        auto end =
            std::to_chars(score, score + sizeof score, h.score, std::chars_format::general, 6).ptr;
        body.append(score, end);
        body += '}';
    }
    body += "]}";
    auto r = Response::json(200, std::move(body));
    r.set_header("Cache-Control", "no-store");
    co_return r;
}

void Search::add_routes(http::Router& router) {
    namespace json = boost::json;
    using namespace doc;
    json::value hit{
        {"type", "object"},
        {"properties",
         {{"kind", {{"type", "string"}, {"enum", json::array{"memory", "file"}}}},
          {"id", {{"type", "string"}}},
          {"title", {{"type", "string"}}},
          {"snippet",
           {{"type", "string"},
            {"description", "HTML: the text escaped, matched words in <mark>…</mark>."}}},
          {"score", {{"type", "number"}, {"description", "BM25; higher is better."}}}}}};
    add_route_table(
        router,
        {"search",
         true,
         {{"GET",
           "/v1/search",
           [this](Request& r) { return query(r); },
           {"Search the user's memories and file texts, best first",
            {{"description",
              "Every word must match (stemmed, English); the last word also matches as a "
              "prefix. A change is searchable about a second after its write."},
             {"parameters",
              json::array{query_param("q", "The words to look for (1 to 500 characters).",
                                      {{"type", "string"}}),
                          query_param("limit", "At most this many hits, 1 to 100.",
                                      {{"type", "integer"},
                                       {"minimum", 1},
                                       {"maximum", kMaxHits},
                                       {"default", 20}})}}},
            {{"200", with_body("Hits, best first",
                               {{"type", "object"},
                                {"properties", {{"hits", {{"type", "array"}, {"items", hit}}}}}})},
             {"422", described("q empty or too long, or limit out of range")}}}}}});
}

}  // namespace mindme::app
