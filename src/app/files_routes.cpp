#include "app/files_routes.hpp"

#include <boost/json.hpp>

#include "app/json_body.hpp"
#include "app/limits.hpp"
#include "app/openapi_doc.hpp"
#include "app/paging.hpp"
#include "app/route_table.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/unicode.hpp"
#include "files/ingest.hpp"
#include "http/file_response.hpp"

namespace mindme::app {

using core::ApiError;
using core::ErrorCode;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kFileIdBytes = 16;
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kIoThreads = 2;
constexpr std::size_t kIoQueue = 1024;

ApiError not_found() { return ApiError(ErrorCode::kNotFound, "no such file"); }

std::string checked_name(const Request& req) {
    auto name = req.query_param("name").value_or("");
    if (!core::is_valid_utf8(name))
        throw ApiError(ErrorCode::kUnprocessable, "name must be valid UTF-8");
    name = core::nfc(name);
    auto n = code_points(name);
    bool ok = n >= 1 && n <= kMaxNameChars && name != "." && name != ".." &&
              name.find_first_of("/\\") == std::string::npos && !core::has_control(name);
    if (!ok)
        throw ApiError(ErrorCode::kUnprocessable,
                       "name must be a file name of 1 to 255 characters, not . or .., without / "
                       "or \\ or control characters");
    // "photo\u202Egnp.exe" shows as "photoexe.png".
    if (core::has_bidi_control(name))
        throw ApiError(ErrorCode::kUnprocessable,
                       "name must not contain text-direction characters");
    return name;
}

// attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded (RFC 6266).
std::string content_disposition(const std::string& name) {
    std::string ascii, encoded;
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : name) {
        ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '-' || c == '_';
        if (plain) {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += kHex[c >> 4];
            encoded += kHex[c & 15];
        }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

Response json_file(int status, const store::FileRecord& f) {
    auto r = Response::json(status, "{\"file\":" + file_json(f) + "}");
    r.set_header("Cache-Control", "no-store");
    return r;
}

}  // namespace

std::string file_json(const store::FileRecord& f) {
    std::string out = "{\"id\":";
    core::append_json_string(out, f.id);
    out += ",\"name\":";
    core::append_json_string(out, f.name);
    out += ",\"content_type\":";
    core::append_json_string(out, f.content_type);
    out += ",\"size\":" + std::to_string(f.size);
    out += ",\"sha256\":\"" + f.sha256 + "\"";
    out += ",\"status\":";
    core::append_json_string(out, f.status);
    if (!f.error.empty()) {
        out += ",\"error\":";
        core::append_json_string(out, f.error);
    }
    out += ",\"derived\":{\"thumbnail\":";
    out += f.thumbnail ? "true" : "false";
    out += ",\"text_chars\":" + std::to_string(f.text_chars) + "}";
    out += ",\"created_at\":\"" + core::format_rfc3339_ms(f.created_at_ms) + "\"";
    out += ",\"updated_at\":\"" + core::format_rfc3339_ms(f.updated_at_ms) + "\"}";
    return out;
}

Files::Files(store::FileStore& store, files::BlobStore& blobs, auth::Authenticator& auth,
             std::uint64_t max_upload_bytes, std::uint64_t uploads_per_minute)
    : store_(store),
      blobs_(blobs),
      auth_(auth),
      max_upload_bytes_(max_upload_bytes),
      // A small sketch: one counter row entry per user uploading within the minute.
      upload_rate_({uploads_per_minute, std::chrono::seconds(60), std::size_t{1} << 12}),
      io_("files-io", kIoThreads, kIoQueue) {}

std::optional<std::uint64_t> Files::streamed_body_limit(std::string_view method,
                                                        std::string_view path) const {
    if (method == "POST" && path == "/v1/files") return max_upload_bytes_;
    return std::nullopt;
}

boost::asio::awaitable<Response> Files::upload(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto name = checked_name(req);
    if (!req.body_stream) throw ApiError(ErrorCode::kInternal, "the upload route must stream");
    if (upload_rate_.enabled()) {
        auto rate = upload_rate_.hit(user.id, std::chrono::steady_clock::now());
        if (!rate.allowed)
            throw ApiError(ErrorCode::kRateLimited,
                           "too many uploads this minute (quota.user_uploads_per_minute = " +
                               std::to_string(rate.limit) + "); retry after " +
                               std::to_string(rate.retry_after_seconds) + " s",
                           static_cast<int>(rate.retry_after_seconds));
    }
    store::FileRecord record;
    record.id = core::random_id(kFileIdBytes);
    record.user_id = user.id;
    record.name = name;
    auto key = content_key(record.id);
    std::optional<files::Ingest> ingest;
    std::vector<char> chunk(kChunk);
    std::exception_ptr failure;
    files::Ingested result;
    try {
        co_await io_.run([&] { ingest.emplace(blobs_, key); });
        for (;;) {
            auto n = co_await req.body_stream->read(chunk.data(), chunk.size());
            if (n == 0) break;
            co_await io_.run([&] { ingest->add(chunk.data(), n); });
        }
        result = co_await io_.run([&] { return ingest->finish(); });
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        co_await io_.run([&] { ingest.reset(); });  // removes the partial blob off the loop
        std::rethrow_exception(failure);
    }
    if (result.size == 0) {
        co_await io_.run([&] { blobs_.remove(key); });
        throw ApiError(ErrorCode::kUnprocessable, "the file is empty");
    }
    record.size = static_cast<std::int64_t>(result.size);
    record.sha256 = result.sha256;
    record.content_type = result.content_type;
    try {
        record = co_await store_.create(record, core::now_ms(), req.deadline);
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        co_await io_.run([&] { blobs_.remove(key); });
        std::rethrow_exception(failure);
    }
    auto r = json_file(202, record);
    r.set_header("Location", "/v1/files/" + record.id);
    co_return r;
}

boost::asio::awaitable<store::FileRecord> Files::owned(const Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto id = std::string(req.param("id"));
    auto record = co_await store_.find(user.id, id, req.deadline);
    if (!record) throw not_found();
    co_return *record;
}

boost::asio::awaitable<Response> Files::list(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto limit = limit_param(req, "limit", kDefaultPage, kMaxPage);
    auto after = list_cursor_param(req, "cursor");
    auto page = co_await store_.list(user.id, std::move(after), limit, req.deadline);
    std::vector<std::string> items;
    for (const auto& item : page.items) items.push_back(file_json(item));
    std::optional<store::ListPosition> next;
    if (page.more)
        next = store::ListPosition{page.items.back().created_at_ms, page.items.back().id};
    auto body = page_json(items, next);
    auto r = Response::json(200, std::move(body));
    r.set_header("Cache-Control", "no-store");
    co_return r;
}

boost::asio::awaitable<Response> Files::metadata(Request& req) {
    auto record = co_await owned(req);
    co_return json_file(200, record);
}

boost::asio::awaitable<Response> Files::send_blob(const Request& req, std::string key,
                                                  Response head, std::string etag) {
    auto blob = co_await io_.run([&] { return blobs_.open(key); });
    if (!blob) throw not_found();
    auto file = std::make_shared<http::OpenFile>(blob->fd);
    co_return http::answer_with_file(req, std::move(head),
                                     {http::FileSlice{file, 0, blob->size}, etag, std::nullopt});
}

boost::asio::awaitable<Response> Files::content(Request& req) {
    auto record = co_await owned(req);
    Response head;
    head.set_header("Content-Type", record.content_type);
    head.set_header("Content-Disposition", content_disposition(record.name));
    head.set_header("X-Content-Type-Options", "nosniff");
    head.set_header("Cache-Control", "private, no-cache");
    co_return co_await send_blob(req, content_key(record.id), std::move(head),
                                 "\"" + record.sha256 + "\"");
}

boost::asio::awaitable<Response> Files::thumbnail(Request& req) {
    auto record = co_await owned(req);
    if (!record.thumbnail) throw ApiError(ErrorCode::kNotFound, "this file has no thumbnail (yet)");
    Response head;
    head.set_header("Content-Type", "image/jpeg");
    head.set_header("X-Content-Type-Options", "nosniff");
    head.set_header("Cache-Control", "private, no-cache");
    co_return co_await send_blob(req, thumbnail_key(record.id), std::move(head),
                                 "\"t-" + record.sha256 + "\"");
}

boost::asio::awaitable<Response> Files::remove(Request& req) {
    auto user = co_await auth_.authenticate(req);
    auto id = std::string(req.param("id"));
    auto removed = co_await store_.remove(user.id, id, req.deadline);
    if (!removed) throw not_found();
    // After the commit: a crash here leaves unreferenced blobs, never a record
    // without its bytes.
    co_await io_.run([&] {
        for (const auto& key : {content_key(id), thumbnail_key(id), text_key(id)})
            blobs_.remove(key);
    });
    co_return Response::empty(204);
}

void Files::add_routes(http::Router& router) {
    namespace json = boost::json;
    using namespace doc;
    json::value derived{
        {"type", "object"},
        {"properties",
         {{"thumbnail", {{"type", "boolean"}}}, {"text_chars", {{"type", "integer"}}}}}};
    json::value time{{"type", "string"}, {"format", "date-time"}};
    json::value file{
        {"type", "object"},
        {"properties",
         {{"id", {{"type", "string"}}},
          {"name", {{"type", "string"}}},
          {"content_type", {{"type", "string"}, {"description", "Sniffed from the bytes."}}},
          {"size", {{"type", "integer"}}},
          {"sha256", {{"type", "string"}}},
          {"status",
           {{"type", "string"}, {"enum", json::array{"pending", "processing", "ready", "failed"}}}},
          {"error", {{"type", "string"}, {"description", "Why processing failed."}}},
          {"derived", derived},
          {"created_at", time},
          {"updated_at", time}}}};
    json::value wrapped{{"type", "object"}, {"properties", {{"file", file}}}};
    auto id = path_param("id", "The file's id.");
    json::value page_of_files{{"type", "object"},
                              {"properties",
                               {{"items", {{"type", "array"}, {"items", file}}},
                                {"next_cursor", {{"type", "string"}, {"nullable", true}}}}}};
    json::object raw_body{
        {"required", true},
        {"content",
         {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};

    add_route_table(
        router,
        {"files",
         true,
         {{"POST",
           "/v1/files",
           [this](Request& r) { return upload(r); },
           {"Upload a file (the raw bytes as the body)",
            {{"parameters",
              json::array{query_param("name", "The file's name (1 to 255 characters, no / or \\).",
                                      {{"type", "string"}})}},
             {"requestBody", raw_body}},
            {{"202", with_body("Stored; processing follows", wrapped)},
             {"413", described("Larger than files.max_bytes")},
             {"422", described("name missing or invalid, or an empty file")}}}},
          {"GET",
           "/v1/files",
           [this](Request& r) { return list(r); },
           {"The user's files, newest first",
            {{"parameters", page_params()}},
            {{"200", with_body("A page", page_of_files)}}}},
          {"GET",
           "/v1/files/{id}",
           [this](Request& r) { return metadata(r); },
           {"A file's metadata",
            {{"parameters", json::array{id}}},
            {{"200", with_body("The file", wrapped)},
             {"404", described("No such file of this user")}}}},
          {"GET",
           "/v1/files/{id}/content",
           [this](Request& r) { return content(r); },
           {"The file's bytes (ETag, Range)",
            {{"parameters", json::array{id}}},
            {{"200", described("The bytes, as an attachment")},
             {"206", described("The requested range")},
             {"304", described("Unchanged (If-None-Match)")},
             {"404", described("No such file of this user")},
             {"416", described("The range lies outside the file")}}}},
          {"GET",
           "/v1/files/{id}/thumbnail",
           [this](Request& r) { return thumbnail(r); },
           {"The file's JPEG thumbnail (longest side 256 px)",
            {{"parameters", json::array{id}}},
            {{"200", described("image/jpeg")},
             {"404", described("No such file, or no thumbnail (yet)")}}}},
          {"DELETE",
           "/v1/files/{id}",
           [this](Request& r) { return remove(r); },
           {"Delete a file and what was derived from it",
            {{"parameters", json::array{id}}},
            {{"204", described("Deleted")}, {"404", described("No such file of this user")}}}}}});
}

}  // namespace mindme::app
