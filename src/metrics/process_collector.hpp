#pragma once
#include "metrics/registry.hpp"

namespace mindme::metrics {

struct ProcessStats {
    double cpu_seconds = 0;  // user + system
    double start_time_seconds = 0;
    double virtual_bytes = 0;
    double resident_bytes = 0;
};
// This process's, from /proc/self/stat (zeros where it cannot be read).
ProcessStats read_process_stats();
// The memory this process may use: the cgroup's limit when one is set, else the
// machine's (MemTotal); 0 when neither can be read.
double memory_limit_bytes();

// Adds the standard process_* families (CPU seconds, resident and virtual memory,
// open and maximum file descriptors, start time), read from /proc at scrape time.
void add_process_collector(Registry& registry);

}  // namespace mindme::metrics
