// The event-stream codec against the public test vectors (the encoded/decoded pairs AWS's
// SDKs share: aws-sdk-js-v3 eventstream-marshaller TestVectors), every header type, bytes
// fed one at a time, and corrupted or oversized frames refused with an error.
#include "upstream/event_stream.hpp"

#include <gtest/gtest.h>

#include <initializer_list>

namespace mindme::upstream {
namespace {

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out += static_cast<char>(v);
    return out;
}

const std::string kBody = "{'foo':'bar'}";

std::vector<EventMessage> decode_all(const std::string& encoded, std::size_t step = 0) {
    EventDecoder decoder;
    if (step == 0) {
        decoder.feed(encoded);
    } else {
        for (std::size_t i = 0; i < encoded.size(); i += step)
            decoder.feed(encoded.substr(i, step));
    }
    std::vector<EventMessage> out;
    while (auto m = decoder.next()) out.push_back(std::move(*m));
    EXPECT_EQ(decoder.buffered(), 0u);
    return out;
}

TEST(EventStream, DecodesAndEncodesThePositiveVectors) {
    auto empty = bytes({0, 0, 0, 16, 0, 0, 0, 0, 5, 194, 72, 235, 125, 152, 200, 255});
    auto int32_header =
        bytes({0,   0,   0,   43, 0,   0,   0,   14, 52,  139, 236, 123, 8,  101, 118,
               101, 110, 116, 45, 105, 100, 4,   0,  0,   160, 12,  123, 39, 102, 111,
               111, 39,  58,  39, 98,  97,  114, 39, 125, 211, 137, 2,   133});
    auto no_headers = bytes({0,   0,   0,  29, 0,  0,  0,  0,   253, 82,  140, 90,  123, 39, 102,
                             111, 111, 39, 58, 39, 98, 97, 114, 39,  125, 195, 101, 57,  54});
    auto one_string =
        bytes({0,   0,   0,   61,  0,   0,   0,   32,  7,   253, 131, 150, 12,  99,  111, 110,
               116, 101, 110, 116, 45,  116, 121, 112, 101, 7,   0,   16,  97,  112, 112, 108,
               105, 99,  97,  116, 105, 111, 110, 47,  106, 115, 111, 110, 123, 39,  102, 111,
               111, 39,  58,  39,  98,  97,  114, 39,  125, 141, 156, 8,   177});

    auto m = decode_all(empty);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_TRUE(m[0].headers.empty());
    EXPECT_EQ(m[0].payload, "");
    EXPECT_EQ(encode_event(m[0]), empty);

    m = decode_all(int32_header);
    ASSERT_EQ(m.size(), 1u);
    ASSERT_EQ(m[0].headers.size(), 1u);
    EXPECT_EQ(m[0].headers[0].name, "event-id");
    EXPECT_EQ(m[0].headers[0].type, HeaderType::kInt32);
    EXPECT_EQ(m[0].headers[0].number, 0x0000a00c);
    EXPECT_EQ(m[0].payload, kBody);
    EXPECT_EQ(encode_event(m[0]), int32_header);

    m = decode_all(no_headers);
    EXPECT_EQ(m.at(0).payload, kBody);
    EXPECT_EQ(encode_event(m[0]), no_headers);

    m = decode_all(one_string, 1);  // a byte at a time
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].string_header("content-type"), "application/json");
    EXPECT_EQ(encode_event(m[0]), one_string);

    // Several messages in one read.
    EXPECT_EQ(decode_all(empty + no_headers + one_string, 7).size(), 3u);
}

TEST(EventStream, RefusesTheNegativeVectors) {
    std::vector<std::string> corrupt{
        // corrupted_headers: a header name's byte changed (message CRC)
        bytes({0,   0,   0,   61,  0,   0,   0,   32,  7,   253, 131, 150, 12,  99,  111, 110,
               116, 101, 110, 116, 43,  116, 121, 112, 101, 7,   0,   16,  97,  112, 112, 108,
               105, 99,  97,  116, 105, 111, 110, 47,  106, 115, 111, 110, 123, 39,  102, 111,
               111, 39,  58,  39,  98,  97,  114, 39,  125, 141, 156, 8,   177}),
        // corrupted_header_len (prelude CRC)
        bytes({0,   0,   0,   61,  0,   0,   1,   32,  7,   253, 131, 150, 12,  99,  111, 110,
               116, 101, 110, 116, 45,  116, 121, 112, 101, 7,   0,   16,  97,  112, 112, 108,
               105, 99,  97,  116, 105, 111, 110, 47,  106, 115, 111, 110, 123, 39,  102, 111,
               111, 39,  58,  39,  98,  97,  114, 39,  125, 141, 156, 8,   177}),
        // corrupted_length
        bytes({1,   0,   0,  29, 0,  0,  0,  0,   253, 82,  140, 90,  123, 39, 102,
               111, 111, 39, 58, 39, 98, 97, 114, 39,  125, 195, 101, 57,  54}),
        // corrupted_payload
        bytes({0,   0,   0,  29, 0,  0,  0,  0,   253, 82,  140, 90,  123, 39, 102,
               111, 111, 39, 58, 39, 98, 97, 114, 39,  141, 195, 101, 57,  54}),
    };
    for (std::size_t i = 0; i < corrupt.size(); ++i) {
        EventDecoder decoder;
        EXPECT_THROW(decoder.feed(corrupt[i]), EventStreamError) << i;
    }
}

TEST(EventStream, RoundTripsEveryHeaderType) {
    EventMessage m;
    m.headers = {{"t", HeaderType::kTrue, 0, {}},
                 {"f", HeaderType::kFalse, 0, {}},
                 {"byte", HeaderType::kByte, -3, {}},
                 {"short", HeaderType::kInt16, -12345, {}},
                 {"int", HeaderType::kInt32, -1234567890, {}},
                 {"long", HeaderType::kInt64, -1234567890123456789LL, {}},
                 EventHeader::byte_buffer("buf", std::string("\0\1\2", 3)),
                 EventHeader::string(":event-type", "chunk"),
                 EventHeader::timestamp(":date", 1440938160000LL),
                 {"id", HeaderType::kUuid, 0, std::string(16, '\x7f')}};
    m.payload = std::string(100000, 'p');
    auto back = decode_all(encode_event(m), 4093);
    ASSERT_EQ(back.size(), 1u);
    ASSERT_EQ(back[0].headers.size(), m.headers.size());
    for (std::size_t i = 0; i < m.headers.size(); ++i) {
        EXPECT_EQ(back[0].headers[i].name, m.headers[i].name);
        EXPECT_EQ(back[0].headers[i].type, m.headers[i].type) << m.headers[i].name;
        EXPECT_EQ(back[0].headers[i].number, m.headers[i].number) << m.headers[i].name;
        EXPECT_EQ(back[0].headers[i].bytes, m.headers[i].bytes) << m.headers[i].name;
    }
    EXPECT_EQ(back[0].payload, m.payload);
}

TEST(EventStream, RefusesWhatTheFormatCannotHold) {
    EventMessage long_name;
    long_name.headers.push_back(EventHeader::string(std::string(256, 'n'), "v"));
    EXPECT_THROW(encode_event(long_name), EventStreamError);
    EventMessage long_value;
    long_value.headers.push_back(EventHeader::string("n", std::string(32768, 'v')));
    EXPECT_THROW(encode_event(long_value), EventStreamError);
    // A message over the decoder's bound is refused from its prelude, before its bytes come.
    EventMessage big;
    big.payload = std::string(2000, 'x');
    EventDecoder small(1024);
    EXPECT_THROW(small.feed(encode_event(big).substr(0, 12)), EventStreamError);
}

TEST(EventStream, AHeaderRunningPastItsBlockIsAnErrorNotARead) {
    // A string header whose length says 200 inside a message whose CRCs are right.
    std::string headers;
    headers += static_cast<char>(1);
    headers += 'h';
    headers += static_cast<char>(7);
    headers += static_cast<char>(0);
    headers += static_cast<char>(200);
    headers += "short";
    std::string frame;
    auto total = 12 + headers.size() + 4;
    for (int s = 24; s >= 0; s -= 8) frame += static_cast<char>((total >> s) & 0xFF);
    for (int s = 24; s >= 0; s -= 8) frame += static_cast<char>((headers.size() >> s) & 0xFF);
    auto prelude_crc = crc32(frame);
    for (int s = 24; s >= 0; s -= 8) frame += static_cast<char>((prelude_crc >> s) & 0xFF);
    frame += headers;
    auto crc = crc32(frame);
    for (int s = 24; s >= 0; s -= 8) frame += static_cast<char>((crc >> s) & 0xFF);
    EventDecoder decoder;
    EXPECT_THROW(decoder.feed(frame), EventStreamError);
}

TEST(EventStream, Crc32IsIeee) { EXPECT_EQ(crc32("123456789"), 0xCBF43926u); }

}  // namespace
}  // namespace mindme::upstream
