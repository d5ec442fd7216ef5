#pragma once
// Firebase ID tokens as credentials: the account of the token's uid, made at its first
// use (with the token's email when verified). And BearerTokens, what the routes ask:
// session tokens, plus Firebase ID tokens when Firebase sign-in is on (a bearer token of
// three dot-separated segments is a JWT; a session token has no dot).
#include "auth/authenticator.hpp"
#include "auth/firebase_id_tokens.hpp"
#include "auth/session_tokens.hpp"

namespace mindme::auth {

class FirebaseUsers final : public Authenticator {
public:
    FirebaseUsers(FirebaseIdTokens& tokens, store::AccountStore& store);
    boost::asio::awaitable<store::User> user_for(std::string_view token,
                                                 store::Deadline deadline) override;
    // Firebase revokes its own tokens, which live an hour at most: nothing to hear here.
    void on_revoke(std::function<void(const std::string& key)>) override {}
    std::string revocation_key(std::string_view token) const override;

private:
    FirebaseIdTokens& tokens_;
    store::AccountStore& store_;
};

class BearerTokens final : public Authenticator {
public:
    // `firebase` may be null (Firebase sign-in off).
    BearerTokens(SessionTokens& sessions, FirebaseUsers* firebase);
    boost::asio::awaitable<store::User> user_for(std::string_view token,
                                                 store::Deadline deadline) override;
    void on_revoke(std::function<void(const std::string& key)> listener) override;
    std::string revocation_key(std::string_view token) const override;

private:
    Authenticator& for_token(std::string_view token) const;
    SessionTokens& sessions_;
    FirebaseUsers* firebase_;
};

}  // namespace mindme::auth
