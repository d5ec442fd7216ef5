#include "core/unicode.hpp"

#include <gtest/gtest.h>

namespace mindme::core {
namespace {

TEST(Unicode, ValidUtf8IsWellFormedOnly) {
    EXPECT_TRUE(is_valid_utf8("plain, caf\xc3\xa9, \xf0\x9f\x98\x80"));
    EXPECT_FALSE(is_valid_utf8("\xc3"));              // cut short
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xff"));
}

TEST(Unicode, NfcComposesAndCasefoldFoldsFully) {
    EXPECT_EQ(nfc("cafe\xcc\x81"), "caf\xc3\xa9");  // e + combining acute → é
    EXPECT_EQ(casefold("Caf\xc3\x89@Example.COM"), "caf\xc3\xa9@example.com");
    EXPECT_EQ(casefold("Stra\xc3\x9f"
                       "e"),
              casefold("STRASSE"));
    EXPECT_EQ(casefold("CAFE\xcc\x81"), casefold("caf\xc3\xa9"));  // both forms, one key
}

TEST(Unicode, LookAlikeCharactersAreFound) {
    EXPECT_TRUE(has_bidi_control("evil\xe2\x80\xaetxt.exe"));  // U+202E RLO
    EXPECT_TRUE(
        has_bidi_control("a\xe2\x81\xa6"
                         "b"));                                          // U+2066 LRI
    EXPECT_FALSE(has_bidi_control("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"));  // Hebrew letters
    EXPECT_TRUE(has_zero_width("ann\xe2\x80\x8b@example.com"));          // U+200B
    EXPECT_TRUE(
        has_zero_width("\xef\xbb\xbf"
                       "ann"));  // BOM
    EXPECT_FALSE(has_zero_width("ann@example.com"));
    EXPECT_TRUE(has_control("tab\there"));
    EXPECT_TRUE(has_control("c1\xc2\x85"));  // U+0085 NEL
    EXPECT_FALSE(has_control("caf\xc3\xa9"));
}

}  // namespace
}  // namespace mindme::core
