#pragma once
// /v1/files: uploads streamed into the blob store (hashed and sniffed on the way),
// listing, metadata, content download (ETag, Range), the thumbnail, deletion.
// Processing (thumbnails, text) is the files runner's job, enqueued with the record.
#include "auth/authenticator.hpp"
#include "core/blocking_pool.hpp"
#include "files/blob_store.hpp"
#include "guard/rate_limiter.hpp"
#include "http/router.hpp"
#include "store/files.hpp"

namespace mindme::app {

class Files {
public:
    Files(store::FileStore& store, files::BlobStore& blobs, auth::Authenticator& auth,
          std::uint64_t max_upload_bytes, std::uint64_t uploads_per_minute);
    void add_routes(http::Router& router);
    // For ServerOptions::streamed_body_limit: the upload route's limit.
    std::optional<std::uint64_t> streamed_body_limit(std::string_view method,
                                                     std::string_view path) const;

    // Blob keys of a file's bytes and of what processing derives from them.
    static std::string content_key(const std::string& id) { return "f-" + id; }
    static std::string thumbnail_key(const std::string& id) { return "t-" + id + ".jpg"; }
    static std::string text_key(const std::string& id) { return "x-" + id + ".txt"; }

private:
    boost::asio::awaitable<http::Response> upload(http::Request& req);
    boost::asio::awaitable<http::Response> list(http::Request& req);
    boost::asio::awaitable<http::Response> metadata(http::Request& req);
    boost::asio::awaitable<http::Response> content(http::Request& req);
    boost::asio::awaitable<http::Response> thumbnail(http::Request& req);
    boost::asio::awaitable<http::Response> remove(http::Request& req);
    boost::asio::awaitable<store::FileRecord> owned(const http::Request& req);
    boost::asio::awaitable<http::Response> send_blob(const http::Request& req, std::string key,
                                                     http::Response head, std::string etag);

    store::FileStore& store_;
    files::BlobStore& blobs_;
    auth::Authenticator& auth_;
    std::uint64_t max_upload_bytes_;
    guard::RateLimiter upload_rate_;  // per user
    core::BlockingPool io_;           // blob reads and writes
};

// The wire form of a file (API.md), with "derived" and, when failed, "error".
std::string file_json(const store::FileRecord& f);

}  // namespace mindme::app
