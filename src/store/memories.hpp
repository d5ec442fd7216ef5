#pragma once
// Memories and the per-user change log, whatever SQL backend holds them. Every write
// appends to the user's change log in the same transaction, with the next number of
// the user's change sequence, so that sync can replay a user's history in order.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/accounts.hpp"
#include "store/quotas.hpp"

namespace mindme::store {

struct Memory {
    std::string id;
    std::string user_id;
    std::string title;
    std::string body;
    std::vector<std::string> tags;
    std::int64_t created_at_ms = 0;
    std::int64_t updated_at_ms = 0;
    std::int64_t version = 0;
};

// Every write also enqueues a job of this topic (outbox, same transaction) with the
// payload {"user_id","id"}, for whatever must follow a change (search indexing).
inline constexpr const char* kMemoryChangedTopic = "memory.changed";

// The wire form of a memory (API.md), which the change log also keeps as a snapshot.
std::string memory_json(const Memory& m);

// Where a page of the newest-first list ends: the next page starts after it.
struct ListPosition {
    std::int64_t updated_at_ms = 0;
    std::string id;
};

// A page of the list or of the change log ends once its items hold this many bytes
// (memory_bytes, snapshots), however many were asked for; it always holds one. Neither
// the store nor a reply then holds much more than this per request, whatever `limit`.
inline constexpr std::size_t kPageBytes = 1024 * 1024;
std::size_t memory_bytes(const Memory& m);

struct MemoryPage {
    std::vector<Memory> items;
    bool more = false;  // items exist past the last one
};

struct Change {
    std::int64_t seq = 0;
    // "upsert" or "delete" (memories), "file.ready" or "file.failed" (a file's
    // processing ended)
    std::string kind;
    std::string entity_id;
    std::int64_t at_ms = 0;
    std::string snapshot;  // upsert: memory_json of the entity as it was; delete: empty
};

struct ChangePage {
    std::vector<Change> changes;
    bool more = false;
};

enum class WriteStatus { kDone, kNotFound, kVersionMismatch };

struct WriteResult {
    WriteStatus status = WriteStatus::kDone;
    Memory memory;  // kDone: as written (for a delete, as it was, with the new version)
};

class MemoryStore {
public:
    virtual ~MemoryStore() = default;
    // Inserts `m` at version 1 with created_at = updated_at = now_ms.
    virtual boost::asio::awaitable<Memory> create(Memory m, std::int64_t now_ms,
                                                  Deadline deadline) = 0;
    virtual boost::asio::awaitable<std::optional<Memory>> find(std::string user_id, std::string id,
                                                               Deadline deadline) = 0;
    // Newest updated_at first (ties: greater id first), after `after` when given.
    virtual boost::asio::awaitable<MemoryPage> list(std::string user_id,
                                                    std::optional<ListPosition> after,
                                                    std::size_t limit, Deadline deadline) = 0;
    // Replaces title, body and tags of the user's memory m.id, if its version is
    // `expected_version` when one is given; the version grows by one.
    virtual boost::asio::awaitable<WriteResult> replace(
        Memory m, std::optional<std::int64_t> expected_version, std::int64_t now_ms,
        Deadline deadline) = 0;
    virtual boost::asio::awaitable<WriteResult> remove(std::string user_id, std::string id,
                                                       std::optional<std::int64_t> expected_version,
                                                       std::int64_t now_ms, Deadline deadline) = 0;
    // Each listed user's latest change number (0 before the first change); users
    // that do not exist are left out.
    virtual boost::asio::awaitable<std::vector<std::pair<std::string, std::int64_t>>>
    latest_change_seqs(std::vector<std::string> user_ids, Deadline deadline) = 0;
    // The user's latest change number as the primary has it (0 before the first change or
    // for no such user): what no replica can be ahead of.
    virtual boost::asio::awaitable<std::int64_t> latest_change_seq_on_primary(
        std::string user_id, Deadline deadline) = 0;
    // The user's changes with seq > after_seq, in seq order.
    virtual boost::asio::awaitable<ChangePage> changes(std::string user_id, std::int64_t after_seq,
                                                       std::size_t limit, Deadline deadline) = 0;
};

// Creating a memory past quotas.memories throws ApiError 507.
std::unique_ptr<MemoryStore> make_sql_memory_store(SqlDatabase& db, Quotas quotas = {});

}  // namespace mindme::store
