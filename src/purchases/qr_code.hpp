#pragma once
// A QR code of a short text (the hand-off URL) drawn as SVG and as PNG, on libqrencode:
// error correction M (a phone camera reads it from a screen at a slant), byte mode, the
// four-module quiet zone the standard asks for around it.
#include <string>
#include <string_view>
#include <vector>

namespace mindme::purchases {

class QrCode {
public:
    // Throws std::invalid_argument when `text` cannot be encoded (too long).
    explicit QrCode(std::string_view text);

    int size() const { return size_; }  // modules a side, without the quiet zone
    bool dark(int x, int y) const { return modules_[static_cast<std::size_t>(y * size_ + x)]; }

    // Each module `scale` pixels (SVG: user units) a side.
    std::string svg(int scale = 8) const;
    std::string png(int scale = 8) const;  // 8-bit grayscale

private:
    int size_ = 0;
    std::vector<bool> modules_;
};

}  // namespace mindme::purchases
