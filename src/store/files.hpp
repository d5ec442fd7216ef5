#pragma once
// Uploaded files' records, whatever SQL backend holds them (the bytes are in the blob
// store). A new file enqueues its processing job in the same transaction.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/accounts.hpp"
#include "store/memories.hpp"
#include "store/quotas.hpp"

namespace mindme::store {

// Enqueued with every new file: payload {"user_id","id"}.
inline constexpr const char* kFileProcessTopic = "file.process";
// Enqueued when a file's processing ends and when it is deleted (same payload), for
// what follows a file (search indexing of its text).
inline constexpr const char* kFileChangedTopic = "file.changed";

struct FileRecord {
    std::string id;
    std::string user_id;
    std::string name;
    std::string content_type;
    std::int64_t size = 0;
    std::string sha256;              // hex
    std::string status = "pending";  // pending | processing | ready | failed
    std::string error;               // failed: why
    bool thumbnail = false;
    std::int64_t text_chars = 0;
    std::int64_t created_at_ms = 0;
    std::int64_t updated_at_ms = 0;
};

struct FilePage {
    std::vector<FileRecord> items;
    bool more = false;
};

class FileStore {
public:
    virtual ~FileStore() = default;
    virtual boost::asio::awaitable<FileRecord> create(FileRecord f, std::int64_t now_ms,
                                                      Deadline deadline) = 0;
    virtual boost::asio::awaitable<std::optional<FileRecord>> find(std::string user_id,
                                                                   std::string id,
                                                                   Deadline deadline) = 0;
    // Newest first (ties: greater id first), after `after` when given.
    virtual boost::asio::awaitable<FilePage> list(std::string user_id,
                                                  std::optional<ListPosition> after,
                                                  std::size_t limit, Deadline deadline) = 0;
    // The record as it was, or nullopt when the user has no such file.
    virtual boost::asio::awaitable<std::optional<FileRecord>> remove(std::string user_id,
                                                                     std::string id,
                                                                     Deadline deadline) = 0;
    // Records what processing found (status, error, thumbnail, text_chars). False
    // when the file is gone.
    virtual boost::asio::awaitable<bool> record_processing(FileRecord f, std::int64_t now_ms,
                                                           Deadline deadline) = 0;
};

// Creating a file past quotas.files or quotas.file_bytes throws ApiError 507. With
// `push_to_devices`, a file whose processing ends enqueues a push job (kPushTopic) for
// each device of its owner in the same transaction.
std::unique_ptr<FileStore> make_sql_file_store(SqlDatabase& db, Quotas quotas = {},
                                               bool push_to_devices = false);

}  // namespace mindme::store
