#include "purchases/qr_code.hpp"

#include <qrencode.h>
#include <zlib.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace mindme::purchases {

namespace {

constexpr int kQuietZone = 4;  // modules of white around the code (ISO/IEC 18004)

void put_be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

// One PNG chunk: length, type, data, and the CRC of type and data.
void put_chunk(std::string& out, const char* type, const std::string& data) {
    put_be32(out, static_cast<std::uint32_t>(data.size()));
    std::string body = std::string(type, 4) + data;
    out += body;
    put_be32(out,
             static_cast<std::uint32_t>(::crc32(0L, reinterpret_cast<const Bytef*>(body.data()),
                                                static_cast<uInt>(body.size()))));
}

}  // namespace

QrCode::QrCode(std::string_view text) {
    std::string owned(text);
    std::unique_ptr<QRcode, void (*)(QRcode*)> code(
        QRcode_encodeString8bit(owned.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
    if (!code) throw std::invalid_argument("the text cannot be drawn as a QR code");
    size_ = code->width;
    modules_.resize(static_cast<std::size_t>(size_ * size_));
    for (std::size_t i = 0; i < modules_.size(); ++i) modules_[i] = code->data[i] & 1;
}

std::string QrCode::svg(int scale) const {
    int side = (size_ + 2 * kQuietZone) * scale;
    std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(side) +
                      "\" height=\"" + std::to_string(side) + "\" viewBox=\"0 0 " +
                      std::to_string(side) + " " + std::to_string(side) +
                      "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
                      "fill=\"#fff\"/><path fill=\"#000\" d=\"";
    for (int y = 0; y < size_; ++y)
        for (int x = 0; x < size_; ++x)
            if (dark(x, y))
                out += "M" + std::to_string((x + kQuietZone) * scale) + " " +
                       std::to_string((y + kQuietZone) * scale) + "h" + std::to_string(scale) +
                       "v" + std::to_string(scale) + "h-" + std::to_string(scale) + "z";
    out += "\"/></svg>";
    return out;
}

std::string QrCode::png(int scale) const {
    auto side = static_cast<std::size_t>((size_ + 2 * kQuietZone) * scale);
    std::string raw;  // each row: filter byte 0, then one gray byte a pixel
    raw.reserve(side * (side + 1));
    for (std::size_t py = 0; py < side; ++py) {
        raw += '\0';
        int y = static_cast<int>(py) / scale - kQuietZone;
        for (std::size_t px = 0; px < side; ++px) {
            int x = static_cast<int>(px) / scale - kQuietZone;
            bool black = x >= 0 && y >= 0 && x < size_ && y < size_ && dark(x, y);
            raw += black ? '\0' : '\xff';
        }
    }
    uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(packed_size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                  reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                  Z_BEST_COMPRESSION) != Z_OK)
        throw std::runtime_error("QR code PNG: compression failed");
    packed.resize(packed_size);
    std::string header;
    put_be32(header, static_cast<std::uint32_t>(side));
    put_be32(header, static_cast<std::uint32_t>(side));
    header += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit, grayscale, deflate, none, none
    std::string out("\x89PNG\r\n\x1a\n", 8);
    put_chunk(out, "IHDR", header);
    put_chunk(out, "IDAT", packed);
    put_chunk(out, "IEND", "");
    return out;
}

}  // namespace mindme::purchases
