#pragma once
// The AWS event-stream message format (application/vnd.amazon.eventstream), what Bedrock's
// streams carry: a 12-byte prelude (total length, headers length, CRC32 of those 8 bytes),
// typed headers, the payload, and a CRC32 of everything before it. Decoding is incremental
// (bytes as they arrive) and refuses a corrupt or oversized message with an error, never
// reading past what it was given.
#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mindme::upstream {

enum class HeaderType : std::uint8_t {
    kTrue = 0,
    kFalse = 1,
    kByte = 2,
    kInt16 = 3,
    kInt32 = 4,
    kInt64 = 5,
    kBytes = 6,
    kString = 7,
    kTimestamp = 8,  // milliseconds since the epoch
    kUuid = 9,       // 16 bytes
};

struct EventHeader {
    std::string name;
    HeaderType type = HeaderType::kString;
    std::int64_t number = 0;  // kByte, kInt16, kInt32, kInt64, kTimestamp
    std::string bytes;        // kBytes, kString, kUuid

    static EventHeader string(std::string name, std::string value);
    static EventHeader timestamp(std::string name, std::int64_t ms);
    static EventHeader byte_buffer(std::string name, std::string value);
};

struct EventMessage {
    std::vector<EventHeader> headers;
    std::string payload;
    // The value of a string header, or nullopt.
    std::optional<std::string_view> string_header(std::string_view name) const;
    const EventHeader* header(std::string_view name) const;
};

struct EventStreamError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws EventStreamError when a header name or value is too long for the format.
std::string encode_event(const EventMessage& message);
std::string encode_headers(const std::vector<EventHeader>& headers);

class EventDecoder {
public:
    static constexpr std::size_t kMaxMessageBytes = 16 * 1024 * 1024;  // AWS's own bound
    explicit EventDecoder(std::size_t max_message_bytes = kMaxMessageBytes);
    // Bytes as they come. Throws EventStreamError on a corrupt message; the decoder is
    // useless afterwards (a stream that corrupts once cannot be trusted to resync).
    void feed(std::string_view bytes);
    std::optional<EventMessage> next();
    std::size_t buffered() const { return buffer_.size(); }

private:
    std::size_t max_;
    std::string buffer_;
    std::deque<EventMessage> ready_;
};

// CRC-32 (IEEE 802.3).
std::uint32_t crc32(std::string_view bytes);

}  // namespace mindme::upstream
