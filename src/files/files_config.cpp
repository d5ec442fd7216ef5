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
}

std::unique_ptr<BlobStore> open_blob_store(const core::Config& config, const std::string& data_dir) {
    auto dir = config.get_string("files.url").substr(std::string_view("file://").size());
    return make_local_blob_store(dir.empty() ? data_dir + "/files" : dir);
}

std::uint64_t max_upload_bytes(const core::Config& config) {
    return static_cast<std::uint64_t>(config.get_int("files.max_bytes"));
}

}  // namespace mindme::files
