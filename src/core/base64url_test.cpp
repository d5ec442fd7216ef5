#include "core/base64url.hpp"

#include <gtest/gtest.h>

namespace mindme::core {
namespace {

TEST(Base64url, EncodesRfc4648Vectors) {
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
    EXPECT_EQ(base64url_encode("foo"), "Zm9v");
    EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Base64url, RoundTripsEveryByte) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (std::size_t n = 0; n <= all.size(); n += 37) {
        auto part = all.substr(0, n);
        EXPECT_EQ(base64url_decode(base64url_encode(part)), part);
    }
}

TEST(Base64url, RefusesWhatIsNotCanonical) {
    EXPECT_FALSE(base64url_decode("Zg=="));   // padding
    EXPECT_FALSE(base64url_decode("Zm9v+"));  // standard alphabet, bad length
    EXPECT_FALSE(base64url_decode("Z"));      // impossible length
    EXPECT_FALSE(base64url_decode("Zh"));     // stray low bits
    EXPECT_FALSE(base64url_decode("a b"));
}

}  // namespace
}  // namespace mindme::core
