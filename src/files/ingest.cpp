#include "files/ingest.hpp"

#include <fcntl.h>
#include <magic.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace mindme::files {
namespace {

// libmagic looks at most this far into a file for its type.
constexpr std::size_t kSniffBytes = 64 * 1024;

// The compiled magic database (~8 MB), mapped once per process: magic_load would read
// a private copy into every thread's handle, and processes mapping one file share its
// pages. Private and writable only in case libmagic byte-swaps a foreign-endian file.
struct MagicDatabase {
    void* data = nullptr;
    std::size_t size = 0;
};

const MagicDatabase& magic_database() {
    static const MagicDatabase db = [] {
        MagicDatabase found;
        const char* env = std::getenv("MAGIC");
        for (const char* path : {env, "/usr/share/misc/magic.mgc", "/usr/lib/file/magic.mgc"}) {
            if (!path) continue;
            int fd = ::open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            struct stat st {};
            if (::fstat(fd, &st) == 0 && st.st_size > 0) {
                auto size = static_cast<std::size_t>(st.st_size);
                void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
                if (p != MAP_FAILED) found = {p, size};
            }
            ::close(fd);
            if (found.data) break;
        }
        return found;
    }();
    return db;
}

// A libmagic handle per thread: handles are not thread-safe, and loading the
// database each time would cost more than the sniffing.
class Magic {
public:
    Magic() : handle_(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR)) {
        const auto& db = magic_database();
        void* buffers[] = {db.data};
        std::size_t sizes[] = {db.size};
        bool loaded = handle_ && (db.data ? magic_load_buffers(handle_, buffers, sizes, 1) == 0
                                          : magic_load(handle_, nullptr) == 0);
        if (!loaded) throw std::runtime_error("cannot load the libmagic database");
        // Limits on how much work one file may cause (regex and indirection depth).
        std::size_t regex_bytes = 8192;
        magic_setparam(handle_, MAGIC_PARAM_REGEX_MAX, &regex_bytes);
    }
    ~Magic() {
        if (handle_) magic_close(handle_);
    }
    Magic(const Magic&) = delete;
    Magic& operator=(const Magic&) = delete;
    std::string type(const char* data, std::size_t size) {
        const char* t = magic_buffer(handle_, data, size);
        return t ? std::string(t) : std::string("application/octet-stream");
    }

private:
    magic_t handle_;
};

}  // namespace

std::string sniff_content_type(const char* head, std::size_t size) {
    thread_local Magic magic;
    return magic.type(head, std::min(size, kSniffBytes));
}

struct Ingest::Impl {
    std::unique_ptr<BlobWriter> writer;
    crypto_hash_sha256_state hash{};
    std::string head;  // the first kSniffBytes
    std::uint64_t size = 0;
};

Ingest::Ingest(BlobStore& blobs, const std::string& key) : impl_(std::make_unique<Impl>()) {
    impl_->writer = blobs.create(key);
    crypto_hash_sha256_init(&impl_->hash);
}

Ingest::~Ingest() = default;

void Ingest::add(const char* data, std::size_t size) {
    auto& m = *impl_;
    if (m.head.size() < kSniffBytes)
        m.head.append(data, std::min(size, kSniffBytes - m.head.size()));
    crypto_hash_sha256_update(&m.hash, reinterpret_cast<const unsigned char*>(data), size);
    m.writer->write(data, size);
    m.size += size;
}

Ingested Ingest::finish() {
    auto& m = *impl_;
    m.writer->commit();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&m.hash, digest);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return {m.size, hex,
            m.size == 0 ? "application/x-empty" : sniff_content_type(m.head.data(), m.head.size())};
}

}  // namespace mindme::files
