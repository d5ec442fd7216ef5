#include "core/log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>
#include <mutex>

#include "core/config.hpp"
#include "core/json.hpp"

namespace mindme::core::log {
namespace {

struct State {
    std::shared_ptr<spdlog::details::thread_pool> pool;
    std::shared_ptr<spdlog::logger> app;
    std::shared_ptr<spdlog::logger> access;
    bool access_on = true;
    std::mutex mutex;  // guards shutdown against late writers
};

State& state() {
    static State s;
    return s;
}

std::shared_ptr<spdlog::logger> make_logger(
    const std::string& name, const std::shared_ptr<spdlog::sinks::sink>& sink,
    const std::shared_ptr<spdlog::details::thread_pool>& pool) {
    auto logger = std::make_shared<spdlog::async_logger>(
        name, sink, pool, spdlog::async_overflow_policy::overrun_oldest);
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","log":"%n",%v})",
                        spdlog::pattern_time_type::utc);
    logger->flush_on(spdlog::level::warn);
    return logger;
}

spdlog::level::level_enum to_spdlog(Level level) {
    switch (level) {
        case Level::kDebug:
            return spdlog::level::debug;
        case Level::kInfo:
            return spdlog::level::info;
        case Level::kWarn:
            return spdlog::level::warn;
        case Level::kError:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

std::once_flag g_init_once;

void ensure_started() {
    std::call_once(g_init_once, [] {
        auto& s = state();
        s.pool = std::make_shared<spdlog::details::thread_pool>(kQueueLines, 1);
        auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
        s.app = make_logger("mindme", sink, s.pool);
        s.access = make_logger("access", sink, s.pool);
        // Periodic flush so a quiet process still shows its lines promptly.
        spdlog::flush_every(std::chrono::seconds(1));
        spdlog::register_logger(s.app);
        spdlog::register_logger(s.access);
    });
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
    text_ += std::to_string(value);
    return *this;
}

Fields& Fields::add(std::string_view k, std::uint64_t value) {
    key(k);
    text_ += std::to_string(value);
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
    ensure_started();
    Level parsed = Level::kInfo;
    parse_level(level, parsed);
    if (state().app) state().app->set_level(to_spdlog(parsed));
    state().access_on = access_log;
}

void write(Level level, std::string_view message, const Fields& fields) {
    ensure_started();
    auto app = state().app;
    if (!app) return;
    auto& logger = *app;
    auto lvl = to_spdlog(level);
    if (!logger.should_log(lvl)) return;
    std::string line = R"("msg":)";
    append_json_string(line, message);
    if (!fields.text().empty()) {
        line += ',';
        line += fields.text();
    }
    logger.log(lvl, line);
}

bool access_enabled() { return state().access_on; }

void access(const Fields& fields) {
    ensure_started();
    if (auto logger = state().access) logger->info(R"("msg":"request",{})", fields.text());
}

std::uint64_t dropped() {
    auto& s = state();
    return s.pool ? s.pool->overrun_counter() : 0;
}

void shutdown() {
    ensure_started();
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (!s.pool) return;
    s.app->flush();
    s.access->flush();
    spdlog::drop_all();
    s.app.reset();
    s.access.reset();
    s.pool.reset();  // joins the writer after it has drained the queue
}

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
