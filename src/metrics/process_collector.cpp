#include "metrics/process_collector.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace mindme::metrics {
namespace {

double boot_time_seconds() {
    std::ifstream in("/proc/stat");
    std::string key;
    while (in >> key) {
        if (key == "btime") {
            double t = 0;
            in >> t;
            return t;
        }
        in.ignore(1 << 20, '\n');
    }
    return 0;
}

}  // namespace

ProcessStats read_process_stats() {
    ProcessStats s;
    std::ifstream in("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Field 2 (comm) may contain spaces; fields are counted after its closing paren.
    auto close = text.rfind(')');
    if (close == std::string::npos) return s;
    std::istringstream fields(text.substr(close + 2));
    std::vector<std::string> f;
    std::string token;
    while (fields >> token) f.push_back(token);
    // f[0] is field 3 (state); field N is f[N - 3].
    if (f.size() < 22) return s;
    static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    static const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    static const double boot = boot_time_seconds();
    s.cpu_seconds = (std::stod(f[14 - 3]) + std::stod(f[15 - 3])) / ticks;
    s.start_time_seconds = boot + std::stod(f[22 - 3]) / ticks;
    s.virtual_bytes = std::stod(f[23 - 3]);
    s.resident_bytes = std::stod(f[24 - 3]) * page;
    return s;
}

namespace {

double open_fds() {
    double n = 0;
    if (DIR* d = opendir("/proc/self/fd")) {
        while (readdir(d)) ++n;
        closedir(d);
        n -= 3;  // ".", ".." and the descriptor of this listing
    }
    return n;
}

// The first number in the file at `path` ("max" and unreadable files give 0).
double number_in(const char* path) {
    std::ifstream in(path);
    double v = 0;
    return (in >> v) ? v : 0;
}

}  // namespace

double memory_limit_bytes() {
    double machine = 0;
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    while (meminfo >> key) {
        if (key == "MemTotal:") {
            meminfo >> machine;
            machine *= 1024;  // kB
            break;
        }
        meminfo.ignore(1 << 20, '\n');
    }
    double cgroup = number_in("/sys/fs/cgroup/memory.max");
    if (cgroup > 0 && (machine == 0 || cgroup < machine)) return cgroup;
    return machine;
}

void add_process_collector(Registry& registry) {
    registry.add_collector([](std::string& out) {
        auto s = read_process_stats();
        write_header(out, "process_cpu_seconds_total", "Total user and system CPU time.",
                     MetricType::kCounter);
        write_sample(out, "process_cpu_seconds_total", s.cpu_seconds);
        write_header(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
                     MetricType::kGauge);
        write_sample(out, "process_resident_memory_bytes", s.resident_bytes);
        write_header(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
                     MetricType::kGauge);
        write_sample(out, "process_virtual_memory_bytes", s.virtual_bytes);
        write_header(out, "process_start_time_seconds",
                     "Start time of the process since the Unix epoch.", MetricType::kGauge);
        write_sample(out, "process_start_time_seconds", s.start_time_seconds);
        write_header(out, "process_open_fds", "Open file descriptors.", MetricType::kGauge);
        write_sample(out, "process_open_fds", open_fds());
        rlimit limit{};
        getrlimit(RLIMIT_NOFILE, &limit);
        write_header(out, "process_max_fds", "Maximum open file descriptors.", MetricType::kGauge);
        write_sample(out, "process_max_fds", static_cast<double>(limit.rlim_cur));
    });
}

}  // namespace mindme::metrics
