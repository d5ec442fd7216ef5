#include "http/file_response.hpp"

#include <charconv>

#include "core/http_date.hpp"
#include "http/byte_range.hpp"
#include "http/conditional.hpp"

namespace mindme::http {

using core::ErrorCode;

namespace {

std::string hex(std::uint64_t v) {
    char buf[17];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, 16);
    return std::string(buf, p);
}

}  // namespace

std::string file_etag(const struct stat& st, std::string_view coding) {
    auto mtime_ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                    static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
    std::string tag = "\"" + hex(static_cast<std::uint64_t>(st.st_size)) + "-" + hex(mtime_ns);
    if (!coding.empty()) tag += "-" + std::string(coding);
    return tag + "\"";
}

Response answer_with_file(const Request& req, Response r, FileRepresentation file) {
    r.set_header("ETag", file.etag);
    if (file.modified) r.set_header("Last-Modified", core::format_http_date(*file.modified));
    r.set_header("Accept-Ranges", "bytes");

    bool not_modified = false;
    if (auto inm = req.header("If-None-Match")) {
        not_modified = none_match(*inm, file.etag);
    } else if (auto ims = req.header("If-Modified-Since"); ims && file.modified) {
        auto since = core::parse_http_date(*ims);
        not_modified = since && *file.modified <= *since;
    }
    if (not_modified) {
        r.status = 304;
        r.headers.remove("Content-Type");
        r.headers.remove("Content-Encoding");
        return r;
    }

    auto size = file.whole.length;
    FileSlice slice = std::move(file.whole);
    auto range_header = req.header("Range");
    bool range_applies = range_header.has_value() && req.method == "GET";
    if (range_applies) {
        if (auto if_range = req.header("If-Range")) {
            auto date = core::parse_http_date(*if_range);
            range_applies =
                *if_range == file.etag || (date && file.modified && *date == *file.modified);
        }
    }
    if (range_applies) {
        auto range = parse_byte_range(*range_header, size);
        if (range.outcome == RangeOutcome::kUnsatisfiable) {
            auto err =
                Response::error(ErrorCode::kRangeNotSatisfiable, "the range lies outside the file");
            err.set_header("Content-Range", "bytes */" + std::to_string(size));
            return err;
        }
        if (range.outcome == RangeOutcome::kSatisfiable) {
            r.status = 206;
            slice.offset = range.range.offset;
            slice.length = range.range.length;
            r.set_header("Content-Range", "bytes " + std::to_string(slice.offset) + "-" +
                                              std::to_string(slice.offset + slice.length - 1) +
                                              "/" + std::to_string(size));
        }
    }
    r.file = std::move(slice);
    return r;
}

}  // namespace mindme::http
