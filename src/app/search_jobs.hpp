#pragma once
// The worker's indexing job: a memory.changed job (enqueued by every memory write)
// brings the memory's entry in the index to the memory's current state — upserted if
// it exists, removed if not. It reads the state instead of trusting the job, so
// duplicated, late or reordered jobs all end in the right index.
#include "queue/runner.hpp"
#include "search/search.hpp"
#include "store/memories.hpp"

namespace mindme::app {

queue::JobHandler memory_indexer(store::MemoryStore& memories, search::SearchIndex& index);

// An indexing handler whose failures of the environment (the index unavailable, the
// store out of reach) defer the job (queue::RetryLater) instead of counting attempts:
// an index that is down for an hour must not dead-letter an hour of acknowledged writes.
queue::JobHandler deferring_when_unavailable(queue::JobHandler handler);

}  // namespace mindme::app
