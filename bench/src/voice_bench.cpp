// The voice assistant's cost per session, for bench/voice.sh. Two roles:
//
//   mindme_voice_bench peer
//     A Bedrock-shaped h2c peer on 127.0.0.1 (prints its port; serves until stdin closes):
//     every stream is answered 200 at once, and for every audio event that comes in
//     (an event-stream message of more than 2 KiB) one 100 ms audioOutput event of 24 kHz
//     PCM goes out, so a session hears as many seconds as it says. It checks no signature:
//     it stands for Bedrock's cost, which is not ours.
//
//   mindme_voice_bench load PORT TOKEN PID SESSIONS SECONDS
//     Against mindme on PORT: SESSIONS /v1/events sockets opened and measured, closed; then
//     SESSIONS voice sessions opened until all are ready and measured; then every session
//     says 100 ms of 16 kHz audio every 100 ms for SECONDS while it reads what comes back.
//     Prints "name value" lines: the process PID's proportional set size (KiB) at each step,
//     its CPU time and the audio relayed in the talking phase.
#include <nghttp2/nghttp2.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/base64.hpp"
#include "upstream/event_stream.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr std::size_t kInputChunk = 3200;   // 100 ms of 16 kHz 16-bit mono
constexpr std::size_t kOutputChunk = 4800;  // 100 ms of 24 kHz
constexpr std::uint32_t kAudioEventBytes = 2048;

// ---- the peer ----

std::string audio_output_event() {
    boost::json::object inner{
        {"event",
         {{"audioOutput",
           {{"content", mindme::core::base64_encode(std::string(kOutputChunk, '\x01'))}}}}}};
    mindme::upstream::EventMessage m;
    m.headers = {mindme::upstream::EventHeader::string(":event-type", "chunk"),
                 mindme::upstream::EventHeader::string(":message-type", "event"),
                 mindme::upstream::EventHeader::string(":content-type", "application/json")};
    m.payload = boost::json::serialize(
        boost::json::object{{"bytes", mindme::core::base64_encode(boost::json::serialize(inner))}});
    return mindme::upstream::encode_event(m);
}

struct PeerConnection : std::enable_shared_from_this<PeerConnection> {
    struct Stream {
        std::string in;        // bytes of an incomplete message
        std::string out;       // to send
        std::size_t sent = 0;  // of out
        bool deferred = false;
        bool input_ended = false;
    };

    explicit PeerConnection(tcp::socket s, const std::string& audio_chunk)
        : socket(std::move(s)), chunk(audio_chunk) {
        nghttp2_session_callbacks* cb = nullptr;
        nghttp2_session_callbacks_new(&cb);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cb, &on_frame);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, &on_data);
        nghttp2_session_callbacks_set_on_stream_close_callback(cb, &on_close);
        nghttp2_session_server_new(&session, cb, this);
        nghttp2_session_callbacks_del(cb);
        nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1000},
                                             {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20}};
        nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, 2);
        nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, 1 << 24);
    }
    ~PeerConnection() { nghttp2_session_del(session); }

    static int on_frame(nghttp2_session* s, const nghttp2_frame* frame, void* user) {
        auto* self = static_cast<PeerConnection*>(user);
        auto id = frame->hd.stream_id;
        if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
            self->streams[id];
            nghttp2_nv status{reinterpret_cast<std::uint8_t*>(const_cast<char*>(":status")),
                              reinterpret_cast<std::uint8_t*>(const_cast<char*>("200")), 7, 3,
                              NGHTTP2_NV_FLAG_NONE};
            nghttp2_data_provider body;
            body.source.ptr = self;
            body.read_callback = &read_body;
            nghttp2_submit_response(s, id, &status, 1, &body);
        }
        if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) && self->streams.count(id)) {
            auto& st = self->streams[id];
            st.input_ended = true;
            self->resume(id, st);
        }
        return 0;
    }

    static int on_data(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                       std::size_t length, void* user) {
        auto* self = static_cast<PeerConnection*>(user);
        auto it = self->streams.find(id);
        if (it == self->streams.end()) return 0;
        auto& st = it->second;
        st.in.append(reinterpret_cast<const char*>(data), length);
        std::size_t at = 0;
        bool added = false;
        while (st.in.size() - at >= 4) {
            std::uint32_t total = 0;
            for (int i = 0; i < 4; ++i)
                total = (total << 8) |
                        static_cast<unsigned char>(st.in[at + static_cast<std::size_t>(i)]);
            if (st.in.size() - at < total || total == 0) break;
            if (total > kAudioEventBytes) {
                st.out += self->chunk;
                added = true;
            }
            at += total;
        }
        st.in.erase(0, at);
        if (added) self->resume(id, st);
        return 0;
    }

    static int on_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* user) {
        static_cast<PeerConnection*>(user)->streams.erase(id);
        return 0;
    }

    static ssize_t read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf,
                             std::size_t length, std::uint32_t* flags, nghttp2_data_source*,
                             void* user) {
        auto* self = static_cast<PeerConnection*>(user);
        auto& st = self->streams[id];
        auto left = st.out.size() - st.sent;
        if (left == 0) {
            st.out.clear();
            st.sent = 0;
            if (st.input_ended) {
                *flags |= NGHTTP2_DATA_FLAG_EOF;
                return 0;
            }
            st.deferred = true;
            return NGHTTP2_ERR_DEFERRED;
        }
        auto n = std::min(length, left);
        std::memcpy(buf, st.out.data() + st.sent, n);
        st.sent += n;
        return static_cast<ssize_t>(n);
    }

    void resume(std::int32_t id, Stream& st) {
        if (st.deferred) {
            st.deferred = false;
            nghttp2_session_resume_data(session, id);
        }
    }

    asio::awaitable<void> run() {
        auto self = shared_from_this();
        std::vector<std::uint8_t> buffer(64 * 1024);
        co_await flush();
        for (;;) {
            auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), kAwait);
            if (ec) break;
            if (nghttp2_session_mem_recv(session, buffer.data(), n) < 0) break;
            co_await flush();
        }
    }

    asio::awaitable<void> flush() {
        std::string out;
        for (;;) {
            const std::uint8_t* data = nullptr;
            auto n = nghttp2_session_mem_send(session, &data);
            if (n <= 0) break;
            out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
        }
        if (!out.empty()) co_await asio::async_write(socket, asio::buffer(out), kAwait);
    }

    tcp::socket socket;
    const std::string& chunk;
    nghttp2_session* session = nullptr;
    std::map<std::int32_t, Stream> streams;
};

int run_peer() {
    asio::io_context io;
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    std::cout << acceptor.local_endpoint().port() << std::endl;
    static const std::string chunk = audio_output_event();
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            for (;;) {
                auto [ec, socket] = co_await acceptor.async_accept(kAwait);
                if (ec) break;
                socket.set_option(tcp::no_delay(true));
                auto c = std::make_shared<PeerConnection>(std::move(socket), chunk);
                asio::co_spawn(io, c->run(), asio::detached);
            }
        },
        asio::detached);
    std::thread stop([&] {
        std::string line;
        while (std::getline(std::cin, line)) {
        }
        io.stop();
    });
    io.run();
    stop.join();
    return 0;
}

// ---- the load ----

long pss_kb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string key;
    long value = 0;
    while (in >> key) {
        if (key == "Pss:") {
            in >> value;
            return value;
        }
        in.ignore(1 << 20, '\n');
    }
    return 0;
}

double cpu_seconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string skip;
    for (int i = 3; i < 14; ++i) fields >> skip;
    double user = 0, system = 0;
    fields >> user >> system;
    return (user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Client {
    explicit Client(asio::io_context& io) : ws(io) {}
    websocket::stream<tcp::socket> ws;
    bool ready = false;
    bool writing = false;
    std::size_t heard = 0;  // audio bytes received
};

struct Load {
    asio::io_context io;
    std::string port, token;
    std::vector<std::unique_ptr<Client>> clients;
    std::size_t open = 0, ready = 0, failed = 0, said = 0, late = 0;

    asio::awaitable<void> connect(Client& c, std::string path, bool voice) {
        tcp::resolver resolver(io);
        auto [ec, results] = co_await resolver.async_resolve("127.0.0.1", port, kAwait);
        if (!ec)
            std::tie(ec, std::ignore) =
                co_await asio::async_connect(c.ws.next_layer(), results, kAwait);
        if (!ec) std::tie(ec) = co_await c.ws.async_handshake("127.0.0.1", path, kAwait);
        if (ec) {
            ++failed;
            co_return;
        }
        ++open;
        if (voice) {
            c.ws.text(true);
            std::string start = R"({"type":"start"})";
            std::tie(ec, std::ignore) = co_await c.ws.async_write(asio::buffer(start), kAwait);
        }
        beast::flat_buffer buffer;
        for (;;) {
            auto [rec, n] = co_await c.ws.async_read(buffer, kAwait);
            if (rec) break;
            if (c.ws.got_binary()) {
                c.heard += n;
            } else if (!c.ready && beast::buffers_to_string(buffer.data()).find("\"ready\"") !=
                                       std::string::npos) {
                c.ready = true;
                ++ready;
            }
            buffer.consume(n);
        }
    }

    // Opens `count` sockets on `path`, a few at a time; true when all opened (and, for
    // voice, all are ready).
    bool open_all(const std::string& path, std::size_t count, bool voice) {
        open = ready = failed = 0;
        for (std::size_t i = 0; i < count; ++i) {
            clients.push_back(std::make_unique<Client>(io));
            asio::co_spawn(io, connect(*clients.back(), path, voice), asio::detached);
            // A few at a time: a burst of a thousand handshakes overflows the listen queue.
            if (i % 50 == 49) run_until([&, i] { return open + failed >= i + 1; }, 20s);
        }
        return run_until([&] { return voice ? ready + failed >= count : open + failed >= count; },
                         60s) &&
               failed == 0;
    }

    template <class Done>
    bool run_until(Done done, std::chrono::seconds limit) {
        auto until = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < until) run_for(10ms);
        return done();
    }

    // Runs the loop for `d`, even after it ran out of work once.
    void run_for(std::chrono::milliseconds d) {
        if (io.stopped()) io.restart();
        io.run_for(d);
    }

    void close_all() {
        for (auto& c : clients) {
            beast::error_code ignored;
            c->ws.next_layer().close(ignored);
        }
        run_for(200ms);
        clients.clear();
    }

    // Every session says 100 ms of audio every 100 ms for `seconds`.
    void talk(std::chrono::seconds seconds) {
        static const std::string chunk(kInputChunk, '\x05');
        auto end = std::chrono::steady_clock::now() + seconds;
        auto next = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() < end) {
            for (auto& c : clients) {
                if (c->writing) {
                    ++late;  // the previous chunk is still on its way
                    continue;
                }
                c->writing = true;
                c->ws.binary(true);
                c->ws.async_write(asio::buffer(chunk),
                                  [this, cl = c.get()](beast::error_code ec, std::size_t) {
                                      cl->writing = false;
                                      if (!ec) said += kInputChunk;
                                  });
            }
            next += 100ms;
            while (std::chrono::steady_clock::now() < next) {
                if (io.stopped()) io.restart();
                io.run_until(next);
            }
        }
        run_for(1000ms);  // the last answers
    }
};

int run_load(char** argv) {
    Load load;
    load.port = argv[0];
    load.token = argv[1];
    int pid = std::stoi(argv[2]);
    auto sessions = static_cast<std::size_t>(std::stoul(argv[3]));
    auto seconds = std::chrono::seconds(std::stoul(argv[4]));

    std::cout << "pss_start_kb " << pss_kb(pid) << std::endl;
    if (!load.open_all("/v1/events?token=" + load.token, sessions, false)) {
        std::cerr << "events sockets: " << load.open << " open, " << load.failed << " failed\n";
        return 1;
    }
    std::cout << "pss_events_kb " << pss_kb(pid) << std::endl;
    // The events sockets stay open: voice sessions opened after closing them would reuse
    // the memory they freed and look cheaper than they are.
    auto events = std::move(load.clients);
    if (!load.open_all("/v1/assistant/voice?token=" + load.token, sessions, true)) {
        std::cerr << "voice sessions: " << load.ready << " ready, " << load.failed << " failed\n";
        return 1;
    }
    std::cout << "pss_voice_kb " << pss_kb(pid) << std::endl;
    auto cpu = cpu_seconds(pid);
    auto started = std::chrono::steady_clock::now();
    load.talk(seconds);
    auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    cpu = cpu_seconds(pid) - cpu;
    std::size_t heard = 0;
    for (auto& c : load.clients) heard += c->heard;
    std::cout << "pss_talking_kb " << pss_kb(pid) << "\n"
              << "talk_wall_seconds " << wall << "\n"
              << "cpu_seconds " << cpu << "\n"
              << "audio_in_seconds " << static_cast<double>(load.said) / (kInputChunk * 10.0)
              << "\n"
              << "audio_out_seconds " << static_cast<double>(heard) / (kOutputChunk * 10.0) << "\n"
              << "late_chunks " << load.late << std::endl;
    load.close_all();
    load.clients = std::move(events);
    load.close_all();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 2 && std::string(argv[1]) == "peer") return run_peer();
    if (argc >= 7 && std::string(argv[1]) == "load") return run_load(argv + 2);
    std::cerr << "usage: mindme_voice_bench peer | load PORT TOKEN PID SESSIONS SECONDS\n";
    return 2;
}
