#pragma once
// GET /v1/events: a WebSocket per device on which the server pushes the user's
// changes as they commit ({"type":"memory.upserted"|"memory.deleted"|"file.ready"|
// "file.failed","id","cursor"}).
// Every serve process tails the change log for the users connected to it — one
// batched query of their latest change numbers per poll, then their new changes — so
// a write through any process (or machine) reaches every device. A write through
// this process wakes the tail at once. Sessions whose token is revoked are closed
// (at once for a sign-out here, within `events.auth_check_seconds` otherwise).
#include <chrono>
#include <memory>

#include "auth/authenticator.hpp"
#include "core/config_fwd.hpp"
#include "http/router.hpp"
#include "store/memories.hpp"

namespace mindme::app {

void declare_events_config(core::ConfigSchema& schema);

struct EventsOptions {
    std::chrono::milliseconds poll{200};
    std::chrono::seconds auth_check{30};
    std::size_t max_per_user = 20;  // event sockets per user and process
};
EventsOptions events_options(const core::Config& config);

class Events {
public:
    Events(store::MemoryStore& store, auth::Authenticator& auth, EventsOptions options);
    ~Events();
    void add_routes(http::Router& router);
    // A change was written through this process: look now instead of at the next poll.
    void notify();
    void start();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mindme::app
