#include "app/file_jobs.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/files_routes.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/text.hpp"
#include "files/processor.hpp"
#include "store/outbox.hpp"

namespace mindme::app {

namespace {

constexpr std::chrono::seconds kStoreTimeout{30};
constexpr std::size_t kCopyChunk = 64 * 1024;

store::Deadline store_deadline() { return std::chrono::steady_clock::now() + kStoreTimeout; }

// Copies a local file into a blob (blocking).
void store_blob(files::BlobStore& blobs, const std::string& key, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    auto writer = blobs.create(key);
    std::vector<char> chunk(kCopyChunk);
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        if (in.gcount() > 0) writer->write(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    writer->commit();
}

// The blob's first `max` bytes (blocking).
std::string read_blob(files::BlobStore& blobs, const std::string& key, std::uint64_t max) {
    auto blob = blobs.open(key);
    if (!blob) return {};
    std::string out(static_cast<std::size_t>(std::min(blob->size, max)), '\0');
    auto n = ::pread(blob->fd, out.data(), out.size(), 0);
    ::close(blob->fd);
    out.resize(static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    return out;
}

std::string lower_extension(const std::string& name) {
    auto dot = name.rfind('.');
    if (dot == std::string::npos) return {};
    return core::ascii_lower(std::string_view(name).substr(dot + 1));
}

}  // namespace

std::string name_mismatch(const std::string& name, const std::string& content_type) {
    auto ext = lower_extension(name);
    auto kind = files::kind_of(content_type);
    for (const char* image : {"png", "jpg", "jpeg", "gif", "webp", "tif", "tiff", "heic", "avif"})
        if (ext == image && kind != files::FileKind::kImage)
            return "the bytes are " + content_type + ", not the image its name ." + ext + " says";
    if (ext == "pdf" && kind != files::FileKind::kPdf)
        return "the bytes are " + content_type + ", not the PDF its name says";
    return {};
}

queue::JobHandler file_processor(store::FileStore& store, files::BlobStore& blobs,
                                 core::BlockingPool& pool, FileProcessing processing) {
    return
        [&store, &blobs, &pool, processing](const queue::Job& job) -> boost::asio::awaitable<void> {
            auto target = store::parse_entity_payload(job.payload);
            auto found = co_await store.find(target.user_id, target.id, store_deadline());
            if (!found || found->status == "ready" || found->status == "failed") co_return;
            auto record = *found;
            record.status = "processing";
            co_await store.record_processing(record, core::now_ms(), store_deadline());

            files::ProcessResult result;
            result.error = name_mismatch(record.name, record.content_type);
            auto kind = files::kind_of(record.content_type);
            if (result.error.empty() && kind != files::FileKind::kOther) {
                co_await pool.run([&] {
                    auto input = blobs.local_path(Files::content_key(record.id));
                    auto stem = processing.work_dir + "/" + record.id + "-" + core::random_id(6);
                    files::ProcessRequest request{kind,
                                                  input.value_or(""),
                                                  stem + ".jpg",
                                                  stem + ".txt",
                                                  processing.options.max_pixels,
                                                  processing.options.max_text_bytes};
                    files::SandboxLimits limits{processing.options.time,
                                                processing.options.memory_bytes};
                    result = files::run_sandboxed(processing.self, request, limits);
                    if (result.error.empty() && result.thumbnail)
                        store_blob(blobs, Files::thumbnail_key(record.id), request.thumbnail_out);
                    if (result.error.empty() && result.text_chars > 0)
                        store_blob(blobs, Files::text_key(record.id), request.text_out);
                    std::error_code ignored;
                    std::filesystem::remove(request.thumbnail_out, ignored);
                    std::filesystem::remove(request.text_out, ignored);
                });
            }
            record.status = result.error.empty() ? "ready" : "failed";
            record.error = result.error;
            record.thumbnail = result.thumbnail && result.error.empty();
            record.text_chars = result.error.empty() ? result.text_chars : 0;
            co_await store.record_processing(record, core::now_ms(), store_deadline());
        };
}

queue::JobHandler file_indexer(store::FileStore& store, files::BlobStore& blobs,
                               core::BlockingPool& pool, search::SearchIndex& index,
                               std::uint64_t max_text_bytes) {
    return [&store, &blobs, &pool, &index,
            max_text_bytes](const queue::Job& job) -> boost::asio::awaitable<void> {
        auto target = store::parse_entity_payload(job.payload);
        auto record = co_await store.find(target.user_id, target.id, store_deadline());
        if (!record || record->status != "ready" || record->text_chars == 0) {
            std::string kind = "file";  // named: GCC 12 and temporaries in co_await
            co_await index.remove(std::move(kind), std::move(target.id));
            co_return;
        }
        std::string text;
        co_await pool.run(
            [&] { text = read_blob(blobs, Files::text_key(record->id), max_text_bytes); });
        search::Document doc{"file", record->id, record->user_id, record->name, std::move(text)};
        co_await index.upsert(std::move(doc));
    };
}

}  // namespace mindme::app
