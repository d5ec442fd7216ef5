#include "app/memories_routes.hpp"

#include <boost/json.hpp>
#include <charconv>

#include "app/memory_input.hpp"
#include "app/openapi_doc.hpp"
#include "app/paging.hpp"
#include "app/route_table.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/text.hpp"
#include "http/conditional.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kMemoryIdBytes = 16;  // 128 random bits, 22 characters

std::string memory_key(const std::string& user_id, const std::string& id) {
    return "memory:" + user_id + ":" + id;
}

std::string etag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

Response memory_response(int status, std::string json, std::int64_t version) {
    auto r = Response::json(status, std::move(json));
    r.set_header("ETag", etag(version));
    // Private data: a client may keep it but must revalidate (If-None-Match).
    r.set_header("Cache-Control", "private, no-cache");
    return r;
}

ApiError not_found() { return ApiError(ErrorCode::kNotFound, "no such memory"); }

ApiError stale() {
    return ApiError(ErrorCode::kPreconditionFailed,
                    "the memory has changed since that version (If-Match)");
}

std::optional<std::int64_t> version_of_tag(std::string_view tag) {
    std::int64_t v = 0;
    auto digits = tag.substr(1, tag.size() - 2);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size() || v < 1) return std::nullopt;
    return v;
}

}  // namespace

Memories::Memories(store::MemoryStore& store, auth::Authenticator& auth, cache::Cache& cache,
                   std::chrono::seconds cache_ttl)
    : store_(store), auth_(auth), cache_(cache), cache_ttl_(cache_ttl) {}

boost::asio::awaitable<void> Memories::remember(const std::string& user_id, const std::string& id,
                                                cache::Entry entry) {
    co_await cache_.put(memory_key(user_id, id), std::move(entry), cache_ttl_);
}

boost::asio::awaitable<std::optional<cache::Entry>> Memories::lookup(const std::string& user_id,
                                                                     const std::string& id,
                                                                     const Request& req) {
    if (auto entry = co_await cache_.get(memory_key(user_id, id))) {
        if (entry->value.empty()) co_return std::nullopt;  // deleted
        co_return entry;
    }
    auto memory = co_await store_.find(user_id, id, req.deadline);
    if (!memory) co_return std::nullopt;
    cache::Entry entry{store::memory_json(*memory), memory->version};
    co_await remember(user_id, id, entry);
    co_return entry;
}

boost::asio::awaitable<std::optional<std::int64_t>> Memories::expected_version(
    const std::string& user_id, const std::string& id, const Request& req) {
    auto header = req.header("If-Match");
    if (!header || core::trim(*header) == "*") co_return std::nullopt;
    auto tags = http::strong_tags(*header);
    if (tags.size() == 1) co_return version_of_tag(tags.front()).value_or(-1);
    // Several tags: whichever names the current version is the one to hold to.
    auto current = co_await lookup(user_id, id, req);
    if (!current) throw not_found();
    for (auto tag : tags)
        if (version_of_tag(tag) == current->version) co_return current->version;
    co_return -1;
}

boost::asio::awaitable<Response> Memories::create(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto input = parse_memory_input(req);
    input.id = core::random_id(kMemoryIdBytes);
    input.user_id = user.id;
    auto memory = co_await store_.create(std::move(input), core::now_ms(), req.deadline);
    auto json = store::memory_json(memory);
    cache::Entry entry{json, memory.version};  // named: see auth::SessionTokens::cached_session
    co_await remember(user.id, memory.id, std::move(entry));
    if (change_listener_) change_listener_();
    auto r = memory_response(201, std::move(json), memory.version);
    r.set_header("Location", "/v1/memories/" + memory.id);
    co_return r;
}

boost::asio::awaitable<Response> Memories::read(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto id = std::string(req.param("id"));
    auto entry = co_await lookup(user.id, id, req);
    if (!entry) throw not_found();
    if (auto inm = req.header("If-None-Match");
        inm && http::none_match(*inm, etag(entry->version))) {
        co_return memory_response(304, std::string(), entry->version);
    }
    co_return memory_response(200, std::move(entry->value), entry->version);
}

boost::asio::awaitable<Response> Memories::list(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto limit = limit_param(req, "limit", kDefaultPage, kMaxPage);
    auto after = list_cursor_param(req, "cursor");
    auto page = co_await store_.list(user.id, std::move(after), limit, req.deadline);
    std::vector<std::string> items;
    for (const auto& item : page.items) items.push_back(store::memory_json(item));
    std::optional<store::ListPosition> next;
    if (page.more)
        next = store::ListPosition{page.items.back().updated_at_ms, page.items.back().id};
    auto body = page_json(items, next);
    auto r = Response::json(200, std::move(body));
    r.set_header("Cache-Control", "private, no-cache");
    co_return r;
}

boost::asio::awaitable<Response> Memories::replace(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto input = parse_memory_input(req);
    input.id = std::string(req.param("id"));
    input.user_id = user.id;
    auto expected = co_await expected_version(user.id, input.id, req);
    auto result = co_await store_.replace(std::move(input), expected, core::now_ms(), req.deadline);
    if (result.status == store::WriteStatus::kNotFound) throw not_found();
    if (result.status == store::WriteStatus::kVersionMismatch) throw stale();
    auto json = store::memory_json(result.memory);
    cache::Entry entry{json, result.memory.version};
    co_await remember(user.id, result.memory.id, std::move(entry));
    if (change_listener_) change_listener_();
    co_return memory_response(200, std::move(json), result.memory.version);
}

boost::asio::awaitable<Response> Memories::remove(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto id = std::string(req.param("id"));
    auto expected = co_await expected_version(user.id, id, req);
    auto result = co_await store_.remove(user.id, id, expected, core::now_ms(), req.deadline);
    if (result.status == store::WriteStatus::kNotFound) throw not_found();
    if (result.status == store::WriteStatus::kVersionMismatch) throw stale();
    cache::Entry tombstone{std::string(), result.memory.version};
    co_await remember(user.id, id, std::move(tombstone));
    if (change_listener_) change_listener_();
    co_return Response::empty(204);
}

void Memories::add_routes(http::Router& router) {
    namespace json = boost::json;
    using namespace doc;
    auto memory = memory_schema();
    json::value input{
        {"type", "object"},
        {"required", json::array{"title"}},
        {"properties",
         {{"title", {{"type", "string"}, {"maxLength", kMaxTitleChars}}},
          {"body", {{"type", "string"}, {"description", "At most 64 KiB; default empty."}}},
          {"tags",
           {{"type", "array"},
            {"maxItems", kMaxTags},
            {"description", "Default none."},
            {"items", {{"type", "string"}, {"minLength", 1}, {"maxLength", kMaxTagChars}}}}}}}};
    auto id = path_param("id", "The memory's id.");
    auto if_match = json::object{{"name", "If-Match"},
                                 {"in", "header"},
                                 {"description",
                                  "\"<version>\" (or a list, or *): the change applies only "
                                  "to that version, otherwise 412."},
                                 {"schema", {{"type", "string"}}}};
    auto if_none_match =
        json::object{{"name", "If-None-Match"},
                     {"in", "header"},
                     {"description", "An ETag from before: 304 while it is current."},
                     {"schema", {{"type", "string"}}}};
    json::value page_of_memories{
        {"type", "object"},
        {"properties",
         {{"items", {{"type", "array"}, {"items", memory}}},
          {"next_cursor",
           {{"type", "string"}, {"nullable", true}, {"description", "null on the last page"}}}}}};

    add_route_table(
        router,
        {"memories",
         true,
         {{"POST",
           "/v1/memories",
           [this](Request& r) { return create(r); },
           {"Create a memory",
            {{"requestBody", json_request(input)}},
            {{"201", with_body("Created; Location names it, ETag is its version", memory)},
             {"413", described("Body too large")},
             {"415", described("The body is not application/json")},
             {"422", described("A field breaks a rule; the message names it")}}}},
          {"GET",
           "/v1/memories",
           [this](Request& r) { return list(r); },
           {"The user's memories, most recently updated first",
            {{"parameters", page_params()}},
            {{"200", with_body("A page", page_of_memories)},
             {"422", described("limit out of range")}}}},
          {"GET",
           "/v1/memories/{id}",
           [this](Request& r) { return read(r); },
           {"One memory",
            {{"parameters", json::array{id, if_none_match}}},
            {{"200", with_body("The memory; ETag is its version", memory)},
             {"304", described("Unchanged since the ETag given")},
             {"404", described("No such memory of this user")}}}},
          {"PUT",
           "/v1/memories/{id}",
           [this](Request& r) { return replace(r); },
           {"Replace a memory's title, body and tags",
            {{"parameters", json::array{id, if_match}}, {"requestBody", json_request(input)}},
            {{"200", with_body("The memory as now stored", memory)},
             {"404", described("No such memory of this user")},
             {"412", described("If-Match names another version")},
             {"415", described("The body is not application/json")},
             {"422", described("A field breaks a rule; the message names it")}}}},
          {"DELETE",
           "/v1/memories/{id}",
           [this](Request& r) { return remove(r); },
           {"Delete a memory (sync reports a tombstone)",
            {{"parameters", json::array{id, if_match}}},
            {{"204", described("Deleted")},
             {"404", described("No such memory of this user")},
             {"412", described("If-Match names another version")}}}}}});
}

}  // namespace mindme::app
