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
    : database_path_(std::move(database_path)), log_path_(database_path_ + "-wal") {
    thread_ = std::thread([this] { run(); });
}

WalSync::~WalSync() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    requested_cv_.notify_all();
    thread_.join();  // after the last sync asked for: no waiter is left
}

std::uint64_t WalSync::request() {
    std::uint64_t ticket;
    {
        std::lock_guard lock(mutex_);
        ticket = ++requested_;
    }
    requested_cv_.notify_one();
    return ticket;
}

void WalSync::when_synced(std::uint64_t ticket, Done done) {
    std::unique_lock lock(mutex_);
    if (synced_ >= ticket) {
        auto failure = ticket <= failed_up_to_ ? last_failure_ : nullptr;
        lock.unlock();
        done(failure);
        return;
    }
    waiters_.push_back({ticket, std::move(done)});
}

void WalSync::wait(std::uint64_t ticket) {
    std::unique_lock lock(mutex_);
    synced_cv_.wait(lock, [&] { return synced_ >= ticket; });
    if (ticket <= failed_up_to_ && last_failure_) std::rethrow_exception(last_failure_);
}

// The syncing thread: one fsync for every ticket handed out before it began.
void WalSync::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        requested_cv_.wait(lock, [this] { return stopping_ || requested_ > synced_; });
        // Stopping, the syncs asked for still happen: every waiter is answered.
        if (requested_ == synced_) return;
        auto covers = requested_;
        auto hook = before_sync_;
        bool directory = !directory_synced_;
        lock.unlock();
        std::exception_ptr failure;
        try {
            if (hook) hook();
            sync_log(directory);
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        ++syncs_;
        synced_ = covers;
        if (failure) {
            last_failure_ = failure;
            failed_up_to_ = covers;
        } else if (directory) {
            directory_synced_ = true;
        }
        std::vector<Waiter> settled;
        std::erase_if(waiters_, [&](Waiter& w) {
            if (w.ticket > covers) return false;
            settled.push_back(std::move(w));
            return true;
        });
        lock.unlock();
        synced_cv_.notify_all();
        for (auto& w : settled) w.done(failure);
        lock.lock();
    }
}

void WalSync::sync_log(bool directory) {
    // fsync flushes the file's data whichever descriptor names it: a descriptor of our
    // own reaches the frames every connection (of every process) wrote.
    bool exists = sync_path(log_path_, O_RDONLY);
    if (exists && directory) {
        // The log's name in its directory, once: a new log file must survive a crash too.
        auto parent = std::filesystem::path(database_path_).parent_path().string();
        sync_path(parent.empty() ? "." : parent, O_RDONLY | O_DIRECTORY);
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
