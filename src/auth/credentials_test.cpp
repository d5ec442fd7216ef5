#include "auth/credentials.hpp"

#include <gtest/gtest.h>

namespace mindme::auth {
namespace {

TEST(Credentials, PasswordsVerifyOnlyWithTheRightPassword) {
    auto hash = hash_password("correct horse battery");
    EXPECT_TRUE(hash.starts_with("$argon2id$"));
    EXPECT_TRUE(verify_password(hash, "correct horse battery"));
    EXPECT_FALSE(verify_password(hash, "correct horse batterY"));
    EXPECT_NE(hash_password("correct horse battery"), hash);  // salted
}

TEST(Credentials, TokensAreLongRandomAndStoredOnlyAsDigests) {
    auto a = new_session_token();
    auto b = new_session_token();
    EXPECT_EQ(a.size(), 43u);
    EXPECT_NE(a, b);
    EXPECT_EQ(token_digest(a).size(), 64u);
    EXPECT_EQ(token_digest(a), token_digest(a));
    EXPECT_NE(token_digest(a), token_digest(b));
    EXPECT_EQ(token_digest("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace mindme::auth
