// Log lines are formatted on the thread that logs them, straight into a buffer of that
// thread's own (no allocation once it has grown, no lock anyone else takes except the
// writer, briefly, to swap it out), and one writer thread takes every thread's lines and
// writes them to stdout in large writes: the only writer of stdout, so lines never
// interleave. Access lines wait up to kBatchDelay to travel in batches; other lines
// wake the writer at once.
#include "core/log.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "core/json.hpp"

namespace mindme::core::log {
namespace {

constexpr auto kBatchDelay = std::chrono::milliseconds(50);
constexpr std::size_t kBatchBytes = 64 * 1024;  // a thread's lines that wake the writer

// One thread's lines not yet written.
struct LineBuffer {
    std::mutex mutex;
    std::string lines;
    std::size_t count = 0;
    bool owner_gone = false;  // its thread ended: dropped from the list once written
};

struct Writer {
    std::mutex mutex;  // buffers, running, stopping
    std::condition_variable wake;
    std::vector<std::shared_ptr<LineBuffer>> buffers;
    bool running = false;
    bool started_once = false;  // after shutdown() only init() starts it again
    bool stopping = false;
    bool urgent = false;  // a line other than an access line waits
    bool pending = false;
    std::thread thread;
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<int> level{static_cast<int>(Level::kInfo)};
    std::atomic<bool> access_on{true};
    std::atomic<bool> accepting{false};

    void start(bool again) {
        std::lock_guard lock(mutex);
        if (running || (started_once && !again)) return;
        // A command that returns from main without shutdown() still writes its lines.
        if (!started_once) std::atexit([] { shutdown(); });
        running = started_once = true;
        stopping = false;
        accepting = true;
        thread = std::thread([this] { run(); });
    }

    void run() {
        std::string out;
        std::unique_lock lock(mutex);
        for (;;) {
            wake.wait(lock, [this] { return pending || stopping; });
            // Access lines travel in batches: a little more time for more of them.
            if (!urgent && !stopping)
                wake.wait_for(lock, kBatchDelay, [this] { return urgent || stopping; });
            pending = urgent = false;
            bool stop = stopping;
            auto list = buffers;
            std::erase_if(buffers, [](const std::shared_ptr<LineBuffer>& b) {
                std::lock_guard l(b->mutex);
                return b->owner_gone && b->lines.empty();
            });
            lock.unlock();
            for (const auto& b : list) {
                std::lock_guard l(b->mutex);
                out += b->lines;
                b->lines.clear();
                b->count = 0;
            }
            write_all(out);
            out.clear();
            if (stop) return;
            lock.lock();
        }
    }

    static void write_all(std::string_view data) {
        while (!data.empty()) {
            auto n = ::write(STDOUT_FILENO, data.data(), data.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                return;  // stdout is gone: nothing better to do with the lines
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    void stop() {
        {
            std::lock_guard lock(mutex);
            if (!running) return;
            accepting = false;
            stopping = true;
        }
        wake.notify_one();
        thread.join();
        std::lock_guard lock(mutex);
        running = false;
    }

    // Tells the writer a thread's buffer has lines (only on the transitions that matter,
    // so a busy thread does not signal it per line).
    void signal(bool now) {
        {
            std::lock_guard lock(mutex);
            if (pending && (!now || urgent)) return;
            pending = true;
            urgent = urgent || now;
        }
        wake.notify_one();
    }

    std::shared_ptr<LineBuffer> add_buffer() {
        auto b = std::make_shared<LineBuffer>();
        std::lock_guard lock(mutex);
        buffers.push_back(b);
        return b;
    }
};

Writer& writer() {
    static Writer* w = new Writer;  // never destroyed: threads may log during exit
    return *w;
}

// This thread's buffer, and its cached timestamp text (the seconds change rarely).
struct ThreadLog {
    std::shared_ptr<LineBuffer> buffer = writer().add_buffer();
    std::time_t second = -1;
    char stamp[24] = {};  // 2026-12-07T22:45:23.
    ~ThreadLog() {
        std::lock_guard lock(buffer->mutex);
        buffer->owner_gone = true;
    }

    void start_line(std::string& out, std::string_view level, std::string_view name) {
        timespec now{};
        clock_gettime(CLOCK_REALTIME, &now);
        if (now.tv_sec != second) {
            second = now.tv_sec;
            std::tm utc{};
            gmtime_r(&now.tv_sec, &utc);
            std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S.", &utc);
        }
        auto ms = static_cast<int>(now.tv_nsec / 1'000'000);
        char digits[3] = {static_cast<char>('0' + ms / 100), static_cast<char>('0' + ms / 10 % 10),
                          static_cast<char>('0' + ms % 10)};
        out += R"({"ts":")";
        out += stamp;
        out.append(digits, 3);
        out += R"(Z","level":")";
        out += level;
        out += R"(","log":")";
        out += name;
        out += R"(",)";
    }
};

ThreadLog& thread_log() {
    thread_local ThreadLog t;
    return t;
}

// Appends one line built by `fill` (after the common prefix) to this thread's buffer.
template <class Fill>
void log_line(std::string_view level, std::string_view name, bool urgent, Fill&& fill) {
    auto& w = writer();
    if (!w.accepting.load(std::memory_order_relaxed)) return;
    auto& t = thread_log();
    bool was_empty;
    std::size_t size;
    {
        std::lock_guard lock(t.buffer->mutex);
        if (t.buffer->count >= kQueueLines) {
            w.dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        auto& out = t.buffer->lines;
        was_empty = out.empty();
        t.start_line(out, level, name);
        fill(out);
        out += "}\n";
        ++t.buffer->count;
        size = out.size();
    }
    if (urgent || was_empty || size >= kBatchBytes) w.signal(urgent || size >= kBatchBytes);
}

const char* level_name(Level level) {
    switch (level) {
        case Level::kDebug:
            return "debug";
        case Level::kInfo:
            return "info";
        case Level::kWarn:
            return "warning";
        case Level::kError:
            return "error";
    }
    return "info";
}

}  // namespace

void Fields::key(std::string_view k) {
    if (!text_.empty()) text_ += ',';
    append_json_string(text_, k);
    text_ += ':';
}

Fields& Fields::add(std::string_view k, std::string_view value) {
    key(k);
    append_json_string(text_, value);
    return *this;
}

Fields& Fields::add(std::string_view k, std::int64_t value) {
    key(k);
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value);
    text_.append(buf, p);
    return *this;
}

Fields& Fields::add(std::string_view k, std::uint64_t value) {
    key(k);
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value);
    text_.append(buf, p);
    return *this;
}

Fields& Fields::add(std::string_view k, double value) {
    key(k);
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 3);
    text_.append(buf, p);
    return *this;
}

Fields& Fields::add(std::string_view k, bool value) {
    key(k);
    text_ += value ? "true" : "false";
    return *this;
}

bool parse_level(std::string_view name, Level& out) {
    if (name == "debug")
        out = Level::kDebug;
    else if (name == "info")
        out = Level::kInfo;
    else if (name == "warn")
        out = Level::kWarn;
    else if (name == "error")
        out = Level::kError;
    else
        return false;
    return true;
}

void init(std::string_view level, bool access_log) {
    Level parsed = Level::kInfo;
    parse_level(level, parsed);
    auto& w = writer();
    w.level = static_cast<int>(parsed);
    w.access_on = access_log;
    w.start(true);
}

void write(Level level, std::string_view message, const Fields& fields) {
    auto& w = writer();
    if (static_cast<int>(level) < w.level.load(std::memory_order_relaxed)) return;
    w.start(false);  // a line before init() (tests, early errors) is still written
    log_line(level_name(level), "mindme", true, [&](std::string& out) {
        out += R"("msg":)";
        append_json_string(out, message);
        if (!fields.text().empty()) {
            out += ',';
            out += fields.text();
        }
    });
}

bool access_enabled() { return writer().access_on.load(std::memory_order_relaxed); }

void access(const Fields& fields) {
    log_line("info", "access", false, [&](std::string& out) {
        out += R"("msg":"request")";
        if (!fields.text().empty()) {
            out += ',';
            out += fields.text();
        }
    });
}

std::uint64_t dropped() { return writer().dropped.load(std::memory_order_relaxed); }

void shutdown() { writer().stop(); }

void declare_config(ConfigSchema& schema) {
    schema.add_string("log.level", "info", "Least severe level written: debug, info, warn, error.",
                      [](const ConfigValue& v) -> std::optional<std::string> {
                          Level l;
                          if (!parse_level(std::get<std::string>(v), l))
                              return "expected debug, info, warn or error";
                          return std::nullopt;
                      });
    schema.add_bool("log.access", true, "Write one JSON access-log line per request.");
}

}  // namespace mindme::core::log
