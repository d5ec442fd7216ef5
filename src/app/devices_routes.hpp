#pragma once
// POST /v1/devices, GET /v1/devices, DELETE /v1/devices/{id}: the app installs of a user
// that push messages go to (an FCM registration token each).
#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "store/devices.hpp"

namespace mindme::app {

class Devices {
public:
    Devices(store::DeviceStore& store, auth::Authenticator& auth, std::size_t max_per_user);
    void add_routes(http::Router& router);

private:
    boost::asio::awaitable<http::Response> add(http::Request& req);
    boost::asio::awaitable<http::Response> list(http::Request& req);
    boost::asio::awaitable<http::Response> remove(http::Request& req);

    store::DeviceStore& store_;
    auth::Authenticator& auth_;
    std::size_t max_per_user_;
};

}  // namespace mindme::app
