#pragma once
// GET /v1/search: the caller's memories and files that match `q`, best first.
#include "app/accounts_routes.hpp"
#include "http/router.hpp"
#include "search/search.hpp"

namespace mindme::app {

class Search {
public:
    Search(search::SearchIndex& index, Accounts& accounts);
    void add_routes(http::Router& router);

private:
    boost::asio::awaitable<http::Response> query(http::Request& req);

    search::SearchIndex& index_;
    Accounts& accounts_;
};

}  // namespace mindme::app
