// Blobs as files under a directory, fanned out over 256 subdirectories by a hash of
// the key (FNV-1a: fixed forever, unlike std::hash) so that no directory grows huge. A blob is
// written to a temporary name, flushed to disk and renamed into place: a reader sees the whole blob
// or none, even after a crash.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/ids.hpp"
#include "files/blob_store.hpp"

namespace mindme::files {
namespace {

namespace fs = std::filesystem;

void check_key(const std::string& key) {
    bool ok = !key.empty() && key.size() <= 200 && key.front() != '.';
    for (char c : key)
        ok &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) throw std::invalid_argument("blob key '" + key + "' is not [A-Za-z0-9_.-]+");
}

std::runtime_error io_error(const std::string& what, const fs::path& path) {
    return std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

class LocalWriter final : public BlobWriter {
public:
    LocalWriter(fs::path final_path, fs::path temp_path)
        : final_(std::move(final_path)), temp_(std::move(temp_path)) {
        fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fd_ < 0) throw io_error("cannot create", temp_);
    }
    ~LocalWriter() override {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(temp_.c_str());
    }

    void write(const char* data, std::size_t size) override {
        while (size > 0) {
            auto n = ::write(fd_, data, size);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw io_error("cannot write", temp_);
            data += n;
            size -= static_cast<std::size_t>(n);
        }
    }

    void commit() override {
        if (::fsync(fd_) != 0) throw io_error("cannot flush", temp_);
        ::close(fd_);
        fd_ = -1;
        if (::rename(temp_.c_str(), final_.c_str()) != 0) throw io_error("cannot rename", temp_);
        committed_ = true;
    }

private:
    fs::path final_;
    fs::path temp_;
    int fd_ = -1;
    bool committed_ = false;
};

class LocalBlobStore final : public BlobStore {
public:
    explicit LocalBlobStore(fs::path root) : root_(std::move(root)) {
        std::error_code ec;
        fs::create_directories(root_ / "tmp", ec);
        if (ec) throw std::runtime_error("cannot create " + root_.string() + ": " + ec.message());
    }

    std::unique_ptr<BlobWriter> create(const std::string& key) override {
        auto path = path_of(key);
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        if (ec) throw std::runtime_error("cannot create " + path.parent_path().string());
        return std::make_unique<LocalWriter>(path,
                                             root_ / "tmp" / (key + "." + core::random_id(9)));
    }

    std::optional<OpenBlob> open(const std::string& key) override {
        auto path = path_of(key);
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) return std::nullopt;
            throw io_error("cannot open", path);
        }
        struct stat st {};
        ::fstat(fd, &st);
        return OpenBlob{fd, static_cast<std::uint64_t>(st.st_size)};
    }

    std::optional<std::string> local_path(const std::string& key) override {
        return path_of(key).string();
    }

    bool remove(const std::string& key) override {
        auto path = path_of(key);
        if (::unlink(path.c_str()) == 0) return true;
        if (errno == ENOENT) return false;
        throw io_error("cannot remove", path);
    }

private:
    fs::path path_of(const std::string& key) const {
        check_key(key);
        std::uint32_t h = 2166136261u;
        for (unsigned char c : key) h = (h ^ c) * 16777619u;
        static constexpr char kHex[] = "0123456789abcdef";
        std::string bucket{kHex[(h >> 4) & 15], kHex[h & 15]};
        return root_ / bucket / key;
    }

    fs::path root_;
};

}  // namespace

std::unique_ptr<BlobStore> make_local_blob_store(const std::string& directory) {
    return std::make_unique<LocalBlobStore>(directory);
}

}  // namespace mindme::files
