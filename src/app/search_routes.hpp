#pragma once
// GET /v1/search: the caller's memories and files that match `q`, best first.
#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "search/search.hpp"

namespace mindme::app {

class Search {
public:
    Search(search::SearchIndex& index, auth::Authenticator& auth);
    void add_routes(http::Router& router);

private:
    boost::asio::awaitable<http::Response> query(http::Request& req);

    search::SearchIndex& index_;
    auth::Authenticator& auth_;
};

}  // namespace mindme::app
