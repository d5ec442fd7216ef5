#pragma once
// Per-user quotas on what the store keeps: memories, files, and stored file bytes. The
// counts live on the user's row and change in the transaction of the write that changes
// them, so a quota holds under concurrent writes from any number of processes; a write
// past one is refused (507 insufficient_storage, naming it) and leaves no trace.
#include <cstdint>

namespace mindme::store {

// What a user's data holds, or may hold.
struct UsageCounts {
    std::int64_t memories = 0;
    std::int64_t files = 0;
    std::int64_t file_bytes = 0;
};
using Usage = UsageCounts;
using Quotas = UsageCounts;  // each 0: no limit

}  // namespace mindme::store
