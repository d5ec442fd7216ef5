#pragma once
// The background work on files. file.process (the files runner): sniffed type and
// name checked against each other, then a thumbnail or the text made in a sandboxed
// process (files/processor.hpp); the file ends ready or failed with a reason, and a
// file.changed job follows. file.changed (the worker): the file's text follows its
// current state into the search index. Both read the current state, so repeats are
// harmless.
#include <string>

#include "core/blocking_pool.hpp"
#include "files/blob_store.hpp"
#include "files/files_config.hpp"
#include "queue/runner.hpp"
#include "search/search.hpp"
#include "store/files.hpp"

namespace mindme::app {

struct FileProcessing {
    files::ProcessingOptions options;
    std::string work_dir;  // for the sandbox's outputs before they go to the blob store
    std::string self;      // this executable, run as the sandbox
};

queue::JobHandler file_processor(store::FileStore& store, files::BlobStore& blobs,
                                 core::BlockingPool& pool, FileProcessing processing);
queue::JobHandler file_indexer(store::FileStore& store, files::BlobStore& blobs,
                               core::BlockingPool& pool, search::SearchIndex& index,
                               std::uint64_t max_text_bytes);

// Why the name and the bytes disagree (the name says image or PDF, the bytes do
// not), or empty.
std::string name_mismatch(const std::string& name, const std::string& content_type);

}  // namespace mindme::app
