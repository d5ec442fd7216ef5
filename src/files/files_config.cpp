#include "files/files_config.hpp"

#include "core/config.hpp"

namespace mindme::files {

void declare_config(core::ConfigSchema& schema) {
    schema.add_string("files.url", "file://",
                      "Where file bytes live: file://DIR, or file:// for <data.dir>/files.",
                      [](const core::ConfigValue& v) -> std::optional<std::string> {
                          if (std::get<std::string>(v).starts_with("file://")) return std::nullopt;
                          return "expected file://DIR";
                      });
    schema.add_int("files.max_bytes", 50LL << 20, 1, 1LL << 40,
                   "Largest upload; larger gets 413 (as soon as Content-Length says so, or "
                   "when the bytes pass it).");
    schema.add_int("files.process_seconds", 30, 1, 3600,
                   "Longest one file's processing may take (a separate process, then killed); "
                   "past it the file ends failed.");
    schema.add_int("files.process_memory_bytes", 1LL << 30, 64LL << 20, 1LL << 40,
                   "Address space of the processing process (not enforced in sanitizer builds).");
    schema.add_int("files.max_pixels", 100'000'000, 1, 1'000'000'000'000LL,
                   "Largest image (width × height) that gets a thumbnail; larger ends failed "
                   "before any pixel is decoded.");
    schema.add_int("files.max_text_bytes", 1 << 20, 1024, 1LL << 30,
                   "Most text kept (and indexed) from one PDF or text file.");
}

ProcessingOptions processing_options(const core::Config& config) {
    ProcessingOptions o;
    o.time = std::chrono::seconds(config.get_int("files.process_seconds"));
    o.memory_bytes = static_cast<std::uint64_t>(config.get_int("files.process_memory_bytes"));
    o.max_pixels = static_cast<std::uint64_t>(config.get_int("files.max_pixels"));
    o.max_text_bytes = static_cast<std::uint64_t>(config.get_int("files.max_text_bytes"));
    return o;
}

std::unique_ptr<BlobStore> open_blob_store(const core::Config& config,
                                           const std::string& data_dir) {
    auto dir = config.get_string("files.url").substr(std::string_view("file://").size());
    return make_local_blob_store(dir.empty() ? data_dir + "/files" : dir);
}

std::uint64_t max_upload_bytes(const core::Config& config) {
    return static_cast<std::uint64_t>(config.get_int("files.max_bytes"));
}

}  // namespace mindme::files
