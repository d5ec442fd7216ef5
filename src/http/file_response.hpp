#pragma once
// Answering with the bytes of a file the way static hosting and downloads share:
// ETag and Last-Modified validators (If-None-Match, If-Modified-Since → 304), a
// single byte range (Range, If-Range → 206; outside the file → 416), Accept-Ranges.
#include <sys/stat.h>

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace mindme::http {

struct FileRepresentation {
    FileSlice whole;                      // offset 0, the file's length
    std::string etag;                     // quoted
    std::optional<std::time_t> modified;  // Last-Modified, when known
};

// A strong validator of a file's bytes as they are on disk: its size and modification
// time, and the coding of a compressed variant ("br", "gz"; empty for the file itself).
std::string file_etag(const struct stat& st, std::string_view coding = {});

// Completes `r` (status 200 and headers set by the caller) for `req`.
Response answer_with_file(const Request& req, Response r, FileRepresentation file);

}  // namespace mindme::http
