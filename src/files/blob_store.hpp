#pragma once
// Where file bytes live: uploads, thumbnails, extracted text. Keys are opaque
// strings of [A-Za-z0-9_.-]. Blocking calls: run them on a blocking pool. Backends:
// a local directory (files.url = file://DIR, the default <data.dir>/files) here;
// object storage later, with the same conformance suite.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mindme::files {

class BlobWriter {
public:
    virtual ~BlobWriter() = default;  // without commit(): nothing is left behind
    virtual void write(const char* data, std::size_t size) = 0;
    // Makes the blob visible under its key, whole (never a part of it).
    virtual void commit() = 0;
};

struct OpenBlob {
    int fd = -1;  // owned by the caller
    std::uint64_t size = 0;
};

class BlobStore {
public:
    virtual ~BlobStore() = default;
    virtual std::unique_ptr<BlobWriter> create(const std::string& key) = 0;
    // nullopt when there is no such blob.
    virtual std::optional<OpenBlob> open(const std::string& key) = 0;
    // A path a local program can read the blob at, when the backend has one.
    virtual std::optional<std::string> local_path(const std::string& key) = 0;
    // False when there was no such blob.
    virtual bool remove(const std::string& key) = 0;
};

// Throws std::runtime_error when the directory cannot be created.
std::unique_ptr<BlobStore> make_local_blob_store(const std::string& directory);

}  // namespace mindme::files
