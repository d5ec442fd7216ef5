// AWS event-stream frames as Bedrock's streams (or anything posing as them) send them, fed
// in pieces of every size the input suggests: a decoder either yields messages or throws
// EventStreamError, never reads past its bytes; a message it yields encodes back to the
// bytes it came from; and a compact JWS (Firebase ID tokens) is split without a crash.
#include <cstdint>
#include <string>

#include "core/compact_jws.hpp"
#include "fuzz_check.hpp"
#include "upstream/event_stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mindme;
    std::string bytes(reinterpret_cast<const char*>(data), size);
    // The first byte picks the piece size, so that the corpus explores partial reads.
    std::size_t step = size == 0 ? 1 : 1 + static_cast<unsigned char>(bytes[0]) % 64;
    upstream::EventDecoder decoder(1 << 20);
    std::string consumed;
    try {
        for (std::size_t at = 0; at < size; at += step) {
            decoder.feed(std::string_view(bytes).substr(at, step));
            while (auto message = decoder.next()) {
                auto again = upstream::encode_event(*message);
                upstream::EventDecoder reread;
                reread.feed(again);
                auto back = reread.next();
                FUZZ_CHECK(back && back->payload == message->payload &&
                           back->headers.size() == message->headers.size());
                consumed += again;
            }
        }
        FUZZ_CHECK(consumed.size() + decoder.buffered() == size);
        FUZZ_CHECK(bytes.compare(0, consumed.size(), consumed) == 0);
    } catch (const upstream::EventStreamError&) {
    }
    core::CompactJws jws;
    if (!core::decode_compact_jws(bytes, jws)) FUZZ_CHECK(jws.signing_input.size() < size);
    return 0;
}
