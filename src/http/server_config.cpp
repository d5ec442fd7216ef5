#include "http/server_config.hpp"

#include <charconv>
#include <thread>

#include "core/config.hpp"

namespace mindme::http {

std::optional<ListenAddress> parse_listen_address(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    std::string host = text.substr(0, colon);
    if (host.front() == '[') {
        if (host.back() != ']' || host.size() < 3) return std::nullopt;
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        return std::nullopt;  // IPv6 needs brackets
    }
    auto digits = std::string_view(text).substr(colon + 1);
    unsigned port = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty() || port > 65535)
        return std::nullopt;
    return ListenAddress{host, static_cast<std::uint16_t>(port)};
}

void declare_config(core::ConfigSchema& schema) {
    schema.add_string("server.listen", "127.0.0.1:8080",
                      "Address the API listens on, HOST:PORT ([::1]:PORT for IPv6; port 0 "
                      "picks a free one and logs it).",
                      [](const core::ConfigValue& v) -> std::optional<std::string> {
                          if (!parse_listen_address(std::get<std::string>(v)))
                              return "expected HOST:PORT, e.g. 127.0.0.1:8080";
                          return std::nullopt;
                      });
    schema.add_int("server.threads", 0, 0, 256,
                   "Event-loop threads, each with its own SO_REUSEPORT listener. 0: one per "
                   "CPU core.");
    schema.add_int("server.processes", 1, 1, 1024,
                   "`mindme serve` processes sharing the port (the kernel spreads connections); "
                   "a supervisor restarts any that dies. --processes sets it.");
    schema.add_int("server.head_timeout_seconds", 10, 1, 3600,
                   "A request head must arrive completely within this time after its first "
                   "byte (slowloris defence).");
    schema.add_int("server.idle_timeout_seconds", 60, 1, 86400,
                   "A keep-alive connection with no request for this long is closed.");
    schema.add_int("server.body_timeout_seconds", 60, 1, 86400,
                   "A JSON request body must arrive whole within this time; an upload may "
                   "pause no longer than this and must keep server.min_rate_bytes_per_second "
                   "after it. Past either: 408.");
    schema.add_int("server.write_timeout_seconds", 60, 1, 86400,
                   "A response write that makes no progress for this long closes the "
                   "connection.");
    schema.add_int("server.min_rate_bytes_per_second", 1024, 0, 1024ll * 1024 * 1024,
                   "A request body (uploads included) or a large response that moves slower "
                   "than this on average, after a first body or write timeout of grace, is cut "
                   "off (a body with 408). 0: only the timeouts apply.");
    schema.add_int("server.max_unsent_bytes", 256ll * 1024 * 1024, 1024 * 1024,
                   1024ll * 1024 * 1024 * 1024,
                   "Bytes of large replies (over 16 KiB) a process holds for clients that have "
                   "not read them yet; past it a reply is answered 503 with Retry-After.");
    schema.add_int("server.request_timeout_seconds", 30, 1, 3600,
                   "Longest a request may take from its head to its answer; clients may ask "
                   "for less with X-Request-Timeout-Ms. Work still waiting for a database "
                   "connection at the deadline is dropped and answered 503.");
    schema.add_int("server.drain_seconds", 30, 0, 3600,
                   "On SIGTERM/SIGINT, how long in-flight requests may take to finish after "
                   "the listeners close; connections still open then are closed.");
    schema.add_int("server.drain_idle_seconds", 2, 0, 3600,
                   "On SIGTERM/SIGINT, how long an idle keep-alive connection may still send one "
                   "more request (answered with Connection: close) before it is closed: a "
                   "client that sent one just as the drain began is answered, not reset.");
    schema.add_int("server.drain_delay_seconds", 0, 0, 3600,
                   "On SIGTERM/SIGINT, how long to keep accepting while /health already "
                   "answers 503, so a load balancer can take the process out first.");
    schema.add_int("http.max_head_bytes", 16 * 1024, 1024, 1024 * 1024,
                   "Largest request line plus headers; larger gets 431.");
    schema.add_int("http.max_body_bytes", 1024 * 1024, 0, 1024ll * 1024 * 1024,
                   "Largest request body (JSON); larger gets 413.");
    schema.add_int("websocket.max_queued", 256, 1, 1'000'000,
                   "Messages waiting for a WebSocket client; past it the client counts as "
                   "too slow and is disconnected (memory stays bounded).");
    schema.add_int("websocket.idle_timeout_seconds", 60, 2, 86400,
                   "A silent WebSocket client gets a ping at half this time and is "
                   "disconnected at all of it.");
    schema.add_int("websocket.max_message_bytes", 64 * 1024, 125, 16 * 1024 * 1024,
                   "Largest message a WebSocket client may send; larger closes with 1009.");
    schema.add_int("websocket.send_buffer_bytes", 64 * 1024, 4096, 16 * 1024 * 1024,
                   "Kernel send buffer of a WebSocket connection: what a slow client can park "
                   "in the kernel before its queue (websocket.max_queued) fills.");
    schema.add_string("http.static_dir", "",
                      "Directory served at / (the Flutter web build). Empty: no static "
                      "hosting.");
}

ServerOptions server_options(const core::Config& c) {
    ServerOptions o;
    auto listen = parse_listen_address(c.get_string("server.listen"));
    o.host = listen->host;
    o.port = listen->port;
    auto threads = c.get_int("server.threads");
    o.threads = threads > 0 ? static_cast<int>(threads)
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    using std::chrono::seconds;
    o.head_timeout = seconds(c.get_int("server.head_timeout_seconds"));
    o.idle_timeout = seconds(c.get_int("server.idle_timeout_seconds"));
    o.body_timeout = seconds(c.get_int("server.body_timeout_seconds"));
    o.write_timeout = seconds(c.get_int("server.write_timeout_seconds"));
    o.drain_timeout = seconds(c.get_int("server.drain_seconds"));
    o.min_rate = static_cast<std::uint64_t>(c.get_int("server.min_rate_bytes_per_second"));
    o.max_unsent_bytes = static_cast<std::uint64_t>(c.get_int("server.max_unsent_bytes"));
    o.request_timeout = seconds(c.get_int("server.request_timeout_seconds"));
    o.drain_delay = seconds(c.get_int("server.drain_delay_seconds"));
    o.drain_idle = seconds(c.get_int("server.drain_idle_seconds"));
    o.max_head_bytes = static_cast<std::size_t>(c.get_int("http.max_head_bytes"));
    o.max_body_bytes = static_cast<std::uint64_t>(c.get_int("http.max_body_bytes"));
    o.websocket_max_queued = static_cast<std::size_t>(c.get_int("websocket.max_queued"));
    o.websocket_idle_timeout = seconds(c.get_int("websocket.idle_timeout_seconds"));
    o.websocket_max_message_bytes =
        static_cast<std::size_t>(c.get_int("websocket.max_message_bytes"));
    o.websocket_send_buffer_bytes =
        static_cast<std::size_t>(c.get_int("websocket.send_buffer_bytes"));
    return o;
}

std::optional<std::string> static_dir(const core::Config& c) {
    const auto& dir = c.get_string("http.static_dir");
    if (dir.empty()) return std::nullopt;
    return dir;
}

}  // namespace mindme::http
