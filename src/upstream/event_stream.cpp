#include "upstream/event_stream.hpp"

#include <zlib.h>

#include <algorithm>

namespace mindme::upstream {

namespace {

constexpr std::size_t kPreludeBytes = 12;
constexpr std::size_t kTrailerBytes = 4;
constexpr std::size_t kMaxHeaderName = 255;
constexpr std::size_t kMaxHeaderValue = 32767;

void put_be(std::string& out, std::uint64_t v, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
        out += static_cast<char>((v >> shift) & 0xFF);
}

std::uint64_t get_be(std::string_view in, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
    return v;
}

int number_bytes(HeaderType t) {
    switch (t) {
        case HeaderType::kByte:
            return 1;
        case HeaderType::kInt16:
            return 2;
        case HeaderType::kInt32:
            return 4;
        case HeaderType::kInt64:
        case HeaderType::kTimestamp:
            return 8;
        default:
            return 0;
    }
}

// Sign-extends the low `bytes` bytes of v.
std::int64_t signed_of(std::uint64_t v, int bytes) {
    if (bytes == 8) return static_cast<std::int64_t>(v);
    auto bits = bytes * 8;
    auto sign = std::uint64_t{1} << (bits - 1);
    return static_cast<std::int64_t>((v ^ sign) - sign);
}

std::vector<EventHeader> decode_headers(std::string_view in) {
    std::vector<EventHeader> headers;
    std::size_t at = 0;
    auto need = [&](std::size_t n) {
        if (in.size() - at < n)
            throw EventStreamError("event stream: a header runs past the headers");
    };
    while (at < in.size()) {
        EventHeader h;
        need(1);
        auto name_length = static_cast<unsigned char>(in[at++]);
        if (name_length == 0) throw EventStreamError("event stream: a header has no name");
        need(name_length + 1);
        h.name = std::string(in.substr(at, name_length));
        at += name_length;
        auto type = static_cast<unsigned char>(in[at++]);
        if (type > 9)
            throw EventStreamError("event stream: unknown header type " + std::to_string(type));
        h.type = static_cast<HeaderType>(type);
        if (auto n = number_bytes(h.type)) {
            need(static_cast<std::size_t>(n));
            h.number = signed_of(get_be(in, at, n), n);
            at += static_cast<std::size_t>(n);
        } else if (h.type == HeaderType::kBytes || h.type == HeaderType::kString) {
            need(2);
            auto length = get_be(in, at, 2);
            at += 2;
            need(length);
            h.bytes = std::string(in.substr(at, length));
            at += length;
        } else if (h.type == HeaderType::kUuid) {
            need(16);
            h.bytes = std::string(in.substr(at, 16));
            at += 16;
        }
        headers.push_back(std::move(h));
    }
    return headers;
}

}  // namespace

// zlib's CRC-32 (IEEE) works on several bytes a step; Boost's, a byte at a time, took a
// quarter of the server's CPU relaying voice sessions.
std::uint32_t crc32(std::string_view bytes) {
    uLong crc = ::crc32(0L, Z_NULL, 0);
    while (!bytes.empty()) {
        auto n = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 1u << 30));
        crc = ::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), n);
        bytes.remove_prefix(n);
    }
    return static_cast<std::uint32_t>(crc);
}

EventHeader EventHeader::string(std::string name, std::string value) {
    return {std::move(name), HeaderType::kString, 0, std::move(value)};
}

EventHeader EventHeader::timestamp(std::string name, std::int64_t ms) {
    return {std::move(name), HeaderType::kTimestamp, ms, {}};
}

EventHeader EventHeader::byte_buffer(std::string name, std::string value) {
    return {std::move(name), HeaderType::kBytes, 0, std::move(value)};
}

const EventHeader* EventMessage::header(std::string_view name) const {
    for (const auto& h : headers)
        if (h.name == name) return &h;
    return nullptr;
}

std::optional<std::string_view> EventMessage::string_header(std::string_view name) const {
    const auto* h = header(name);
    if (!h || h->type != HeaderType::kString) return std::nullopt;
    return h->bytes;
}

std::string encode_headers(const std::vector<EventHeader>& headers) {
    std::string out;
    for (const auto& h : headers) {
        if (h.name.empty() || h.name.size() > kMaxHeaderName)
            throw EventStreamError("event stream: a header name must be 1 to 255 bytes");
        out += static_cast<char>(h.name.size());
        out += h.name;
        out += static_cast<char>(h.type);
        if (auto n = number_bytes(h.type)) {
            put_be(out, static_cast<std::uint64_t>(h.number), n);
        } else if (h.type == HeaderType::kBytes || h.type == HeaderType::kString) {
            if (h.bytes.size() > kMaxHeaderValue)
                throw EventStreamError("event stream: a header value is over 32,767 bytes");
            put_be(out, h.bytes.size(), 2);
            out += h.bytes;
        } else if (h.type == HeaderType::kUuid) {
            if (h.bytes.size() != 16) throw EventStreamError("event stream: a UUID is 16 bytes");
            out += h.bytes;
        }
    }
    return out;
}

std::string encode_event(const EventMessage& message) {
    auto headers = encode_headers(message.headers);
    std::string out;
    auto total = kPreludeBytes + headers.size() + message.payload.size() + kTrailerBytes;
    put_be(out, total, 4);
    put_be(out, headers.size(), 4);
    put_be(out, crc32(out), 4);
    out += headers;
    out += message.payload;
    put_be(out, crc32(out), 4);
    return out;
}

EventDecoder::EventDecoder(std::size_t max_message_bytes) : max_(max_message_bytes) {}

void EventDecoder::feed(std::string_view bytes) {
    buffer_.append(bytes);
    while (buffer_.size() >= kPreludeBytes) {
        std::string_view b = buffer_;
        auto total = get_be(b, 0, 4);
        auto headers_length = get_be(b, 4, 4);
        if (crc32(b.substr(0, 8)) != get_be(b, 8, 4))
            throw EventStreamError("event stream: the prelude's CRC does not match");
        if (total < kPreludeBytes + kTrailerBytes || total > max_ ||
            headers_length > total - kPreludeBytes - kTrailerBytes)
            throw EventStreamError("event stream: a message length is out of bounds");
        if (b.size() < total) return;
        auto message_bytes = b.substr(0, total);
        if (crc32(message_bytes.substr(0, total - kTrailerBytes)) !=
            get_be(message_bytes, total - 4, 4))
            throw EventStreamError("event stream: the message's CRC does not match");
        EventMessage m;
        m.headers = decode_headers(message_bytes.substr(kPreludeBytes, headers_length));
        m.payload = std::string(
            message_bytes.substr(kPreludeBytes + headers_length,
                                 total - kPreludeBytes - headers_length - kTrailerBytes));
        ready_.push_back(std::move(m));
        buffer_.erase(0, total);
    }
}

std::optional<EventMessage> EventDecoder::next() {
    if (ready_.empty()) return std::nullopt;
    auto m = std::move(ready_.front());
    ready_.pop_front();
    return m;
}

}  // namespace mindme::upstream
