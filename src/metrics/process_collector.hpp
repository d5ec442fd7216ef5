#pragma once
#include "metrics/registry.hpp"

namespace mindme::metrics {

// Adds the standard process_* families (CPU seconds, resident and virtual memory,
// open and maximum file descriptors, start time), read from /proc at scrape time.
void add_process_collector(Registry& registry);

}  // namespace mindme::metrics
