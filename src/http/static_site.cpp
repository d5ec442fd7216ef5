#include "http/static_site.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "core/http_date.hpp"
#include "core/text.hpp"
#include "http/byte_range.hpp"
#include "http/file_response.hpp"

namespace mindme::http {
namespace {

using core::ErrorCode;

struct FileRef {
    std::shared_ptr<OpenFile> file;
    struct stat st {};
};

// Opens `relative` strictly beneath `root_fd`: "..", absolute symlinks and
// symlinks that lead outside are refused by the kernel (RESOLVE_BENEATH).
std::optional<FileRef> open_beneath(int root_fd, const std::string& relative) {
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how);
    if (fd < 0) return std::nullopt;
    FileRef ref;
    ref.file = std::make_shared<OpenFile>(static_cast<int>(fd));
    if (fstat(static_cast<int>(fd), &ref.st) != 0) return std::nullopt;
    return ref;
}

bool is_regular(const std::optional<FileRef>& f) { return f && S_ISREG(f->st.st_mode); }

std::string_view base_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

struct Resolved {
    std::string relative;  // path under the root, never empty
    bool spa_candidate;    // the last segment has no extension
};

Resolved resolve_path(std::string_view raw_path) {
    auto decoded = percent_decode(raw_path, false);
    if (!decoded) throw core::ApiError(ErrorCode::kBadRequest, "malformed percent-encoding");
    if (decoded->find('\0') != std::string::npos)
        throw core::ApiError(ErrorCode::kBadRequest, "NUL byte in the path");
    std::string relative;
    std::string_view rest = *decoded;
    std::string_view last;
    bool trailing_slash = rest.empty() || rest.back() == '/';
    while (!rest.empty()) {
        auto slash = rest.find('/');
        auto segment = rest.substr(0, slash);
        rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
        if (segment.empty()) continue;
        if (segment == "." || segment == "..")
            throw core::ApiError(ErrorCode::kBadRequest, "dot segments are not allowed");
        // Hidden files (.git, .env) are never published.
        if (segment.front() == '.') throw core::ApiError(ErrorCode::kNotFound, "not found");
        if (!relative.empty()) relative += '/';
        relative += segment;
        last = segment;
    }
    if (relative.empty() || trailing_slash) {
        relative += relative.empty() ? "index.html" : "/index.html";
        return {relative, true};
    }
    return {relative, last.find('.') == std::string_view::npos};
}

}  // namespace

bool is_fingerprinted(std::string_view name) {
    auto dot = name.rfind('.');
    if (dot == std::string_view::npos) return false;
    auto stem = name.substr(0, dot);
    auto sep = stem.find_last_of(".-");
    if (sep == std::string_view::npos) return false;
    auto hash = stem.substr(sep + 1);
    bool digit = false, lower = false, upper = false, hexonly = true, b64 = true;
    for (char c : hash) {
        digit |= c >= '0' && c <= '9';
        lower |= c >= 'a' && c <= 'z';
        upper |= c >= 'A' && c <= 'Z';
        bool is_hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        hexonly &= is_hex;
        b64 &=
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
    if (hexonly && hash.size() >= 8 && digit) return true;
    // Vite/Rollup style: 8+ characters mixing digits and both cases.
    return b64 && hash.size() >= 8 && hash.size() <= 32 && digit && lower && upper;
}

std::string_view content_type_for(std::string_view name) {
    static const std::vector<std::pair<std::string_view, std::string_view>> kTypes{
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".wasm", "application/wasm"},
        {".txt", "text/plain; charset=utf-8"},
        {".xml", "application/xml"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".avif", "image/avif"},
        {".ico", "image/x-icon"},
        {".woff", "font/woff"},
        {".woff2", "font/woff2"},
        {".ttf", "font/ttf"},
        {".otf", "font/otf"},
        {".pdf", "application/pdf"},
        {".mp4", "video/mp4"},
        {".webm", "video/webm"},
        {".mp3", "audio/mpeg"},
        {".wav", "audio/wav"},
    };
    auto dot = name.rfind('.');
    if (dot != std::string_view::npos) {
        auto ext = name.substr(dot);
        for (const auto& [e, type] : kTypes)
            if (iequals(e, ext)) return type;
    }
    return "application/octet-stream";
}

bool accepts_encoding(std::string_view header, std::string_view coding) {
    for (auto item : core::split_list(header)) {
        auto semi = item.find(';');
        auto name = core::trim(item.substr(0, semi));
        if (!iequals(name, coding)) continue;
        if (semi == std::string_view::npos) return true;
        auto params = item.substr(semi + 1);
        auto q = params.find("q=");
        if (q == std::string_view::npos) return true;
        auto value = params.substr(q + 2);
        // q=0, q=0.0, q=0.000 all refuse the coding
        return value.find_first_not_of("0. ") != std::string_view::npos &&
               value.find_first_of("123456789") != std::string_view::npos;
    }
    return false;
}

StaticSite::StaticSite(std::string root) : root_(std::move(root)) {
    struct stat st {};
    if (stat(root_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw std::runtime_error("http.static_dir is not a directory: " + root_);
}

Response StaticSite::serve(const Request& req) const {
    if (req.method != "GET" && req.method != "HEAD") {
        auto r =
            Response::error(ErrorCode::kMethodNotAllowed, "static files answer GET and HEAD only");
        r.set_header("Allow", "GET, HEAD");
        return r;
    }
    auto resolved = resolve_path(req.path);
    // Opened per request (O_PATH is cheap) so that a deploy that swaps the root's
    // symlink takes effect at once.
    int root_fd = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) throw core::ApiError(ErrorCode::kUnavailable, "static root unavailable");
    OpenFile root_guard(root_fd);

    auto file = open_beneath(root_fd, resolved.relative);
    if (file && S_ISDIR(file->st.st_mode)) {
        resolved.relative += "/index.html";
        file = open_beneath(root_fd, resolved.relative);
    }
    if (!is_regular(file) && resolved.spa_candidate) {
        resolved.relative = "index.html";
        file = open_beneath(root_fd, resolved.relative);
    }
    if (!is_regular(file)) throw core::ApiError(ErrorCode::kNotFound, "not found");

    auto name = base_name(resolved.relative);
    Response r;
    r.status = 200;
    r.set_header("Content-Type", std::string(content_type_for(name)));
    if (name == "index.html")
        r.set_header("Cache-Control", "no-cache");
    else if (is_fingerprinted(name))
        r.set_header("Cache-Control", "public, max-age=31536000, immutable");
    else
        r.set_header("Cache-Control", "public, no-cache");
    r.set_header("X-Content-Type-Options", "nosniff");

    // Precompressed siblings, best first.
    std::string_view coding;
    bool has_variants = false;
    auto accept = req.header("Accept-Encoding").value_or("");
    for (std::string_view c : {"br", "gzip"}) {
        auto sibling = open_beneath(root_fd, resolved.relative + (c == "br" ? ".br" : ".gz"));
        if (!is_regular(sibling)) continue;
        has_variants = true;
        if (coding.empty() && accepts_encoding(accept, c)) {
            coding = c;
            file = std::move(sibling);
        }
    }
    if (has_variants) r.set_header("Vary", "Accept-Encoding");
    if (!coding.empty()) r.set_header("Content-Encoding", std::string(coding));

    const auto& st = file->st;
    auto etag = file_etag(st, coding == "br" ? "br" : coding == "gzip" ? "gz" : "");
    auto size = static_cast<std::uint64_t>(st.st_size);
    return answer_with_file(req, std::move(r),
                            {FileSlice{file->file, 0, size}, etag, st.st_mtim.tv_sec});
}

}  // namespace mindme::http
