#include "store/wal_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace mindme::store {
namespace {

// fsync of a path; false when it does not exist (nothing to make durable).
bool sync_path(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return false;
        throw std::runtime_error("cannot open " + path + " to sync it: " + std::strerror(errno));
    }
    int rc = ::fsync(fd);
    int error = errno;
    ::close(fd);
    if (rc != 0) throw std::runtime_error("fsync of " + path + " failed: " + std::strerror(error));
    return true;
}

}  // namespace

WalSync::WalSync(std::string database_path)
    : database_path_(std::move(database_path)), log_path_(database_path_ + "-wal") {}

void WalSync::wait() {
    std::unique_lock lock(mutex_);
    // This thread's commit is in the log already: any sync that starts from now covers it.
    auto ticket = ++requested_;
    while (synced_ < ticket) {
        if (syncing_) {
            synced_cv_.wait(lock);
            continue;
        }
        syncing_ = true;
        auto covers = requested_;
        lock.unlock();
        try {
            sync_log();
        } catch (...) {
            lock.lock();
            syncing_ = false;
            synced_cv_.notify_all();  // another waiter takes its turn to try
            throw;
        }
        lock.lock();
        syncing_ = false;
        synced_ = covers;
        ++syncs_;
        synced_cv_.notify_all();
    }
}

void WalSync::sync_log() {
    std::function<void()> hook;
    bool directory;
    {
        std::lock_guard lock(mutex_);
        hook = before_sync_;
        directory = !directory_synced_;
    }
    if (hook) hook();
    // fsync flushes the file's data whichever descriptor names it: a descriptor of our
    // own reaches the frames every connection of this process (and others) wrote.
    bool exists = sync_path(log_path_, O_RDONLY);
    if (exists && directory) {
        // The log's name in its directory, once: a new log file must survive a crash too.
        auto parent = std::filesystem::path(database_path_).parent_path().string();
        sync_path(parent.empty() ? "." : parent, O_RDONLY | O_DIRECTORY);
        std::lock_guard lock(mutex_);
        directory_synced_ = true;
    }
}

WalSync::Stats WalSync::stats() const {
    std::lock_guard lock(mutex_);
    return {syncs_, requested_};
}

void WalSync::set_before_sync(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    before_sync_ = std::move(hook);
}

}  // namespace mindme::store
