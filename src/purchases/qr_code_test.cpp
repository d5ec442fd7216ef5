// QR codes drawn as PNG and SVG read back by a real decoder (zbarimg, from zbar-tools):
// the hand-off URL comes out as it went in. A text too long for any QR code is refused.
#include "purchases/qr_code.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

namespace mindme::purchases {
namespace {

// What zbarimg reads in the image at `path` ("" when nothing).
std::string decode(const std::string& path) {
    std::string command = "zbarimg --quiet --raw " + path + " 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    std::string out;
    std::array<char, 256> buffer{};
    while (pipe && fgets(buffer.data(), buffer.size(), pipe.get())) out += buffer.data();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

TEST(QrCode, ThePngReadsBackAsTheText) {
    std::string url = "mindme://purchase/Q2hlY2tPdXRUaGlzQ29kZQ";
    QrCode code(url);
    EXPECT_GE(code.size(), 21);
    auto png = code.png(4);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    auto path = std::filesystem::temp_directory_path() / "mindme-qr-test.png";
    std::ofstream(path, std::ios::binary) << png;
    EXPECT_EQ(decode(path.string()), url);
    std::filesystem::remove(path);
}

TEST(QrCode, TheSvgDrawsTheSameModules) {
    QrCode code("https://example.com/buy/abc");
    auto svg = code.svg(8);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    // One square per dark module, each "h8v8h-8z".
    std::size_t dark = 0, squares = 0;
    for (int y = 0; y < code.size(); ++y)
        for (int x = 0; x < code.size(); ++x) dark += code.dark(x, y);
    for (auto at = svg.find("h8v8h-8z"); at != std::string::npos; at = svg.find("h8v8h-8z", at + 1))
        ++squares;
    EXPECT_EQ(squares, dark);
    EXPECT_GT(dark, 0u);
}

TEST(QrCode, TooLongATextIsRefused) {
    EXPECT_THROW(QrCode(std::string(8000, 'x')), std::invalid_argument);
}

}  // namespace
}  // namespace mindme::purchases
