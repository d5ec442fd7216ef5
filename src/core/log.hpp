#pragma once
// Structured logging: one JSON object per line on stdout, written by a background
// thread so that an event loop never waits on the terminal or a pipe. When a thread's
// lines waiting to be written reach kQueueLines, its next lines are dropped (and
// counted) rather than blocking.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config_fwd.hpp"

namespace mindme::core::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Builds the `"key":value,...` members of a log line.
class Fields {
public:
    Fields& add(std::string_view key, std::string_view value);
    Fields& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    Fields& add(std::string_view key, const std::string& value) {
        return add(key, std::string_view(value));
    }
    Fields& add(std::string_view key, std::int64_t value);
    Fields& add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
    Fields& add(std::string_view key, std::uint64_t value);
    Fields& add(std::string_view key, double value);
    Fields& add(std::string_view key, bool value);
    const std::string& text() const { return text_; }
    // Empty again, keeping the memory (one Fields per thread serves every line).
    void clear() { text_.clear(); }

private:
    void key(std::string_view k);
    std::string text_;
};

// Lines of one thread waiting for the writer thread; past it that thread's lines are
// dropped (and counted). 4,096 lines (~1.6 MiB at ~400 bytes a line) absorb a burst of a
// few thousand requests' access lines; a writer that cannot keep up for longer would
// fall behind with any queue.
inline constexpr std::size_t kQueueLines = 4096;

// level: debug | info | warn | error. Safe to call more than once (tests).
void init(std::string_view level, bool access_log);
bool parse_level(std::string_view name, Level& out);

void write(Level level, std::string_view message, const Fields& fields = {});
inline void debug(std::string_view m, const Fields& f = {}) { write(Level::kDebug, m, f); }
inline void info(std::string_view m, const Fields& f = {}) { write(Level::kInfo, m, f); }
inline void warn(std::string_view m, const Fields& f = {}) { write(Level::kWarn, m, f); }
inline void error(std::string_view m, const Fields& f = {}) { write(Level::kError, m, f); }

bool access_enabled();
void access(const Fields& fields);

// Lines dropped because the queue was full.
std::uint64_t dropped();
// Writes out every queued line and stops the writer thread; later lines are discarded.
void shutdown();

// log.level and log.access
void declare_config(ConfigSchema& schema);

}  // namespace mindme::core::log
