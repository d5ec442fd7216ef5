#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace mindme::core {
namespace {

// RFC 4648 §10's test vectors.
TEST(Base64, MatchesRfc4648) {
    const char* vectors[][2] = {{"", ""},
                                {"f", "Zg=="},
                                {"fo", "Zm8="},
                                {"foo", "Zm9v"},
                                {"foob", "Zm9vYg=="},
                                {"fooba", "Zm9vYmE="},
                                {"foobar", "Zm9vYmFy"}};
    for (auto& v : vectors) {
        EXPECT_EQ(base64_encode(v[0]), v[1]);
        EXPECT_EQ(base64_decode(v[1]), std::string(v[0]));
    }
    EXPECT_EQ(base64_decode(base64_encode(std::string("\0\xff\x10", 3))),
              std::string("\0\xff\x10", 3));
    for (const char* bad : {"Zg=", "Z===", "Zm9v!A==", "Zg==Zg==", "=Zg="})
        EXPECT_FALSE(base64_decode(bad)) << bad;
}

}  // namespace
}  // namespace mindme::core
