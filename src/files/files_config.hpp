#pragma once
// files.* keys and the blob store they name.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/config_fwd.hpp"
#include "files/blob_store.hpp"

namespace mindme::files {

void declare_config(core::ConfigSchema& schema);
std::unique_ptr<BlobStore> open_blob_store(const core::Config& config, const std::string& data_dir);
std::uint64_t max_upload_bytes(const core::Config& config);

struct ProcessingOptions {
    std::chrono::seconds time{30};
    std::uint64_t memory_bytes = 1ull << 30;
    std::uint64_t max_pixels = 100'000'000;
    std::uint64_t max_text_bytes = 1 << 20;
};
ProcessingOptions processing_options(const core::Config& config);

}  // namespace mindme::files
