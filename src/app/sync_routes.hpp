#pragma once
// GET /v1/sync: a user's change log from a cursor on, in the order the changes
// committed. The cursor is the number of the last change returned, so feeding it
// back neither skips nor repeats a change (store::MemoryStore::changes).
#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "store/memories.hpp"

namespace mindme::app {

class Sync {
public:
    Sync(store::MemoryStore& store, auth::Authenticator& auth);
    void add_routes(http::Router& router);

private:
    boost::asio::awaitable<http::Response> changes(http::Request& req);

    store::MemoryStore& store_;
    auth::Authenticator& auth_;
};

}  // namespace mindme::app
