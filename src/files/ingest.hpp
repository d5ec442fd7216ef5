#pragma once
// Taking in an upload as its pieces arrive: written to a new blob, hashed (SHA-256)
// and its type sniffed from its first bytes (libmagic; the client's claim is not
// trusted). Blocking: feed it from a blocking pool.
#include <cstdint>
#include <memory>
#include <string>

#include "files/blob_store.hpp"

namespace mindme::files {

struct Ingested {
    std::uint64_t size = 0;
    std::string sha256;        // hex
    std::string content_type;  // e.g. image/png; application/octet-stream when unknown
};

class Ingest {
public:
    Ingest(BlobStore& blobs, const std::string& key);
    ~Ingest();  // without finish(): the blob is abandoned
    Ingest(const Ingest&) = delete;
    Ingest& operator=(const Ingest&) = delete;

    void add(const char* data, std::size_t size);
    // Commits the blob.
    Ingested finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The MIME type libmagic sees in `head` (the first bytes of a file), without looking
// inside compressed data.
std::string sniff_content_type(const char* head, std::size_t size);

}  // namespace mindme::files
