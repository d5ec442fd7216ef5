// The processing itself, with libvips (images) and poppler (PDF). Runs only in the
// sandbox process: the libraries' global state, their threads and whatever a hostile
// file does to them die with it.
#include "files/processor.hpp"

#include <poppler-document.h>
#include <poppler-page.h>
#include <vips/vips.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string_view>

#include "core/text.hpp"

namespace mindme::files {
namespace {

constexpr int kThumbnailSide = 256;
constexpr int kJpegQuality = 80;
constexpr int kMaxPdfPages = 2000;

std::string vips_failure(const char* what) {
    std::string message = what;
    std::string detail = vips_error_buffer();
    vips_error_clear();
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    if (!detail.empty()) message += ": " + detail.substr(0, 300);
    return message;
}

ProcessResult thumbnail(const ProcessRequest& r) {
    ProcessResult result;
    ::setenv("VIPS_WARNING", "0", 1);  // its complaints about a bad file go in the error
    if (VIPS_INIT("mindme")) return {false, 0, "the image library did not start"};
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    // The header alone first: a pixel bomb is refused before a pixel is decoded.
    VipsImage* header =
        vips_image_new_from_file(r.input.c_str(), "access", VIPS_ACCESS_SEQUENTIAL, nullptr);
    if (!header) return {false, 0, vips_failure("not a readable image")};
    auto pixels = static_cast<std::uint64_t>(vips_image_get_width(header)) *
                  static_cast<std::uint64_t>(vips_image_get_height(header));
    auto width = vips_image_get_width(header);
    auto height = vips_image_get_height(header);
    g_object_unref(header);
    if (pixels > r.max_pixels)
        return {false, 0,
                "the image has " + std::to_string(width) + "×" + std::to_string(height) +
                    " pixels, more than the limit of " + std::to_string(r.max_pixels)};
    // Decoded with fail_on: a truncated or corrupt image is an error, not a partly
    // grey thumbnail.
    // JPEGs decode at 1/2, 1/4 or 1/8 size directly (shrink-on-load, as `vips
    // thumbnail` does) while still larger than the thumbnail: most of the work saved.
    int shrink = 1;
    const char* loader = vips_foreign_find_load(r.input.c_str());
    if (loader && std::string_view(loader) == "jpegload")
        while (shrink < 8 && std::max(width, height) / (shrink * 2) >= kThumbnailSide) shrink *= 2;
    VipsImage* image =
        shrink > 1
            ? vips_image_new_from_file(r.input.c_str(), "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                       VIPS_FAIL_ON_WARNING, "shrink", shrink, nullptr)
            : vips_image_new_from_file(r.input.c_str(), "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                       VIPS_FAIL_ON_WARNING, nullptr);
    if (!image) return {false, 0, vips_failure("not a readable image")};
    VipsImage* thumb = nullptr;
    int made = vips_thumbnail_image(image, &thumb, kThumbnailSide, "height", kThumbnailSide, "size",
                                    VIPS_SIZE_DOWN, nullptr);
    g_object_unref(image);
    if (made != 0) return {false, 0, vips_failure("the image is damaged")};
    int saved =
        vips_jpegsave(thumb, r.thumbnail_out.c_str(), "Q", kJpegQuality, "strip", TRUE, nullptr);
    g_object_unref(thumb);
    if (saved != 0) return {false, 0, vips_failure("the image is damaged or truncated")};
    result.thumbnail = true;
    return result;
}

std::int64_t write_text(const std::string& text, const std::string& path) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return out ? static_cast<std::int64_t>(core::code_points(text)) : -1;
}

ProcessResult plain_text(const ProcessRequest& r) {
    std::ifstream in(r.input, std::ios::binary);
    std::string text(r.max_text_bytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    auto chars = write_text(core::valid_utf8(text), r.text_out);
    if (chars < 0) return {false, 0, "the text could not be written"};
    return {false, chars, ""};
}

ProcessResult pdf_text(const ProcessRequest& r) {
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(r.input));
    if (!doc) return {false, 0, "not a readable PDF"};
    if (doc->is_locked()) return {false, 0, "the PDF is encrypted"};
    std::string text;
    int pages = std::min(doc->pages(), kMaxPdfPages);
    for (int i = 0; i < pages && text.size() < r.max_text_bytes; ++i) {
        std::unique_ptr<poppler::page> page(doc->create_page(i));
        if (!page) continue;
        auto bytes = page->text().to_utf8();
        text.append(bytes.begin(), bytes.end());
        text += "\n\n";
    }
    if (text.size() > r.max_text_bytes) text.resize(r.max_text_bytes);
    auto chars = write_text(core::valid_utf8(text), r.text_out);
    if (chars < 0) return {false, 0, "the text could not be written"};
    return {false, chars, ""};
}

}  // namespace

FileKind kind_of(const std::string& content_type) {
    if (content_type == "application/pdf") return FileKind::kPdf;
    if (content_type.starts_with("text/")) return FileKind::kText;
    for (const char* t : {"image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff",
                          "image/heic", "image/heif", "image/avif"})
        if (content_type == t) return FileKind::kImage;
    return FileKind::kOther;
}

const char* kind_name(FileKind kind) {
    switch (kind) {
        case FileKind::kImage:
            return "image";
        case FileKind::kPdf:
            return "pdf";
        case FileKind::kText:
            return "text";
        case FileKind::kOther:
            return "other";
    }
    return "other";
}

ProcessResult process_file(const ProcessRequest& request) {
    switch (request.kind) {
        case FileKind::kImage:
            return thumbnail(request);
        case FileKind::kPdf:
            return pdf_text(request);
        case FileKind::kText:
            return plain_text(request);
        case FileKind::kOther:
            break;
    }
    return {};
}

}  // namespace mindme::files
