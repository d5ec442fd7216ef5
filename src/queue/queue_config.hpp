#pragma once
// queue.* and the runners' concurrency keys.
#include <memory>

#include "core/config_fwd.hpp"
#include "queue/queue.hpp"
#include "queue/runner.hpp"

namespace mindme::store {
class SqlDatabase;
}

namespace mindme::queue {

void declare_config(core::ConfigSchema& schema);
// The queue that queue.url names, on the store's database.
std::unique_ptr<JobQueue> open_queue(const core::Config& config, store::SqlDatabase& db);
// Options for the runner of `role` ("worker" or "files": <role>.concurrency).
RunnerOptions runner_options(const core::Config& config, const char* role);

}  // namespace mindme::queue
