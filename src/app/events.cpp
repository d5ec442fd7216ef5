#include "app/events.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "app/openapi_doc.hpp"
#include "app/paging.hpp"
#include "app/route_table.hpp"
#include "core/config.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "http/websocket.hpp"

namespace mindme::app {

namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kChangesPerRound = 500;
constexpr std::chrono::seconds kQueryTimeout{10};

store::Deadline query_deadline() { return std::chrono::steady_clock::now() + kQueryTimeout; }

std::string event_json(const store::Change& c) {
    std::string type = c.kind == "upsert" ? "memory.upserted"
                       : c.kind == "delete"
                           ? "memory.deleted"
                           : c.kind;  // file.ready, file.failed, entitlement.changed
    std::string out = "{\"type\":\"" + type + "\",\"id\":";
    core::append_json_string(out, c.entity_id);
    out += ",\"cursor\":\"" + encode_sync_cursor(c.seq) + "\"}";
    return out;
}

}  // namespace

void declare_events_config(core::ConfigSchema& schema) {
    schema.add_int("events.poll_ms", 200, 10, 60'000,
                   "How often a serve process looks for changes made through other "
                   "processes, for its WebSocket clients (its own writes are pushed at once).");
    schema.add_int("websocket.max_per_user", 20, 1, 100'000,
                   "Event sockets one user may have open on a process; a further upgrade is "
                   "refused with 429 (the newest is refused: the sockets already open stay).");
    schema.add_int("events.auth_check_seconds", 30, 1, 86400,
                   "How often open event sockets have their token checked; a revoked one is "
                   "closed (a sign-out through the same process closes them at once).");
}

EventsOptions events_options(const core::Config& config) {
    return {std::chrono::milliseconds(config.get_int("events.poll_ms")),
            std::chrono::seconds(config.get_int("events.auth_check_seconds")),
            static_cast<std::size_t>(config.get_int("websocket.max_per_user"))};
}

struct Events::Impl {
    struct Subscriber {
        std::shared_ptr<http::WebSocketSession> session;
        std::string token;
        std::string revocation_key;  // of the token (auth::Authenticator)
    };
    struct Feed {
        std::int64_t last_seq = 0;  // changes up to this one were pushed
        std::vector<Subscriber> subscribers;
    };

    Impl(store::MemoryStore& s, auth::Authenticator& a, EventsOptions o)
        : store(s), auth(a), options(o) {}

    std::size_t open_sockets(const std::string& user_id) {
        std::lock_guard lock(mutex);
        auto it = feeds.find(user_id);
        return it == feeds.end() ? 0 : it->second.subscribers.size();
    }

    void subscribe(const std::string& user_id, std::int64_t seq, Subscriber sub) {
        std::lock_guard lock(mutex);
        auto [it, fresh] = feeds.try_emplace(user_id);
        // Upgrades that raced past the route's check: the newest goes, as there.
        if (it->second.subscribers.size() >= options.max_per_user) {
            sub.session->close(http::CloseCode::kPolicyViolation,
                               "too many event sockets for this user");
            return;
        }
        // A new feed starts where this client's view starts; an existing one is ahead
        // or level (the client syncs after connecting).
        if (fresh) it->second.last_seq = seq;
        it->second.subscribers.push_back(std::move(sub));
    }

    void unsubscribe(const std::string& user_id, const http::WebSocketSession* session) {
        std::lock_guard lock(mutex);
        auto it = feeds.find(user_id);
        if (it == feeds.end()) return;
        std::erase_if(it->second.subscribers,
                      [&](const Subscriber& s) { return s.session.get() == session; });
        if (it->second.subscribers.empty()) feeds.erase(it);
    }

    void close_token(const std::string& revocation_key) {
        std::lock_guard lock(mutex);
        for (auto& [user, feed] : feeds)
            std::erase_if(feed.subscribers, [&](const Subscriber& s) {
                if (s.revocation_key != revocation_key) return false;
                s.session->close(http::CloseCode::kPolicyViolation, "the token was revoked");
                return true;
            });
    }

    // Sends the page's events to the user's subscribers, unless another round got
    // there first.
    void deliver(const std::string& user_id, std::int64_t from, const store::ChangePage& page) {
        if (page.changes.empty()) return;
        std::vector<std::string> messages;
        for (const auto& c : page.changes) messages.push_back(event_json(c));
        std::lock_guard lock(mutex);
        auto it = feeds.find(user_id);
        if (it == feeds.end() || it->second.last_seq != from) return;
        it->second.last_seq = page.changes.back().seq;
        std::erase_if(it->second.subscribers, [&](const Subscriber& s) {
            for (const auto& m : messages)
                if (!s.session->send(m)) return true;  // closed, or too slow: dropped
            return false;
        });
    }

    // One round: every connected user's latest change number, then the new changes.
    // True when a user has more changes than one round carries.
    asio::awaitable<bool> tail_once() {
        std::unordered_map<std::string, std::int64_t> known;
        {
            std::lock_guard lock(mutex);
            for (const auto& [user, feed] : feeds) known.emplace(user, feed.last_seq);
        }
        if (known.empty()) co_return false;
        std::vector<std::string> users;
        users.reserve(known.size());
        for (const auto& [user, seq] : known) users.push_back(user);
        auto latest = co_await store.latest_change_seqs(std::move(users), query_deadline());
        bool more = false;
        for (const auto& [user, seq] : latest) {
            auto from = known[user];
            if (seq <= from) continue;
            auto page = co_await store.changes(user, from, kChangesPerRound, query_deadline());
            deliver(user, from, page);
            more |= page.more;
        }
        co_return more;
    }

    asio::awaitable<void> tail() {
        while (!stopping) {
            bool more = false;
            try {
                more = co_await tail_once();
            } catch (const std::exception& e) {
                core::log::warn("events: change log unavailable",
                                core::log::Fields().add("error", e.what()));
            }
            if (more) continue;
            wake.expires_after(options.poll);
            boost::system::error_code ec;
            co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    }

    asio::awaitable<void> check_tokens() {
        while (!stopping) {
            auth_timer.expires_after(options.auth_check);
            boost::system::error_code ec;
            co_await auth_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (stopping) break;
            // Each token once: (revocation key, token).
            std::vector<std::pair<std::string, std::string>> tokens;
            {
                std::lock_guard lock(mutex);
                for (const auto& [user, feed] : feeds)
                    for (const auto& s : feed.subscribers)
                        tokens.emplace_back(s.revocation_key, s.token);
            }
            std::sort(tokens.begin(), tokens.end());
            tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
            for (const auto& [key, token] : tokens) {
                try {
                    co_await auth.user_for(token, query_deadline());
                } catch (const core::ApiError& e) {
                    if (e.code() == core::ErrorCode::kUnauthorized) close_token(key);
                } catch (const std::exception&) {
                    // The store is unreachable: checked again next time.
                }
            }
        }
    }

    store::MemoryStore& store;
    auth::Authenticator& auth;
    EventsOptions options;
    std::mutex mutex;
    std::unordered_map<std::string, Feed> feeds;  // by user id
    asio::io_context ioc{1};
    asio::steady_timer wake{ioc};
    asio::steady_timer auth_timer{ioc};
    std::atomic<bool> stopping{false};
    std::thread thread;
};

Events::Events(store::MemoryStore& store, auth::Authenticator& auth, EventsOptions options)
    : impl_(std::make_unique<Impl>(store, auth, options)) {
    auth.on_revoke([impl = impl_.get()](const std::string& key) { impl->close_token(key); });
}

Events::~Events() { stop(); }

void Events::start() {
    auto& m = *impl_;
    if (m.thread.joinable()) return;
    asio::co_spawn(m.ioc, m.tail(), asio::detached);
    asio::co_spawn(m.ioc, m.check_tokens(), asio::detached);
    m.thread = std::thread([&m] { m.ioc.run(); });
}

void Events::stop() {
    auto& m = *impl_;
    if (!m.thread.joinable()) return;
    m.stopping = true;
    asio::post(m.ioc, [&m] {
        m.wake.cancel();
        m.auth_timer.cancel();
    });
    m.ioc.stop();
    m.thread.join();
}

void Events::notify() {
    asio::post(impl_->ioc, [m = impl_.get()] { m->wake.cancel(); });
}

void Events::add_routes(http::Router& router) {
    namespace json = boost::json;
    using namespace doc;
    auto subscribe = [this](Request& req) -> asio::awaitable<Response> {
        auto& m = *impl_;
        // The token serves the sign-in check now and the revocation checks later.
        auto token = auth::socket_token(req);
        auto key = m.auth.revocation_key(token);
        auto user = co_await m.auth.user_for(token, req.deadline);
        if (m.open_sockets(user.id) >= m.options.max_per_user)
            throw core::ApiError(core::ErrorCode::kRateLimited,
                                 "too many event sockets open for this user "
                                 "(websocket.max_per_user = " +
                                     std::to_string(m.options.max_per_user) + "); close one first",
                                 1);
        std::vector<std::string> ids{user.id};
        auto latest = co_await m.store.latest_change_seqs(std::move(ids), req.deadline);
        std::int64_t seq = latest.empty() ? 0 : latest.front().second;
        http::WebSocketHandler handler;
        handler.on_open = [&m, user_id = user.id, seq, token,
                           key](std::shared_ptr<http::WebSocketSession> session) {
            m.subscribe(user_id, seq, {std::move(session), token, key});
        };
        handler.on_close = [&m, user_id = user.id](std::shared_ptr<http::WebSocketSession> s) {
            m.unsubscribe(user_id, s.get());
        };
        co_return Response::websocket(std::move(handler));
    };
    auto responses = socket_responses();
    responses["429"] = described("The user has websocket.max_per_user event sockets open already");
    add_route_table(
        router,
        {"events",
         true,
         {{"GET",
           "/v1/events",
           std::move(subscribe),
           {"A WebSocket of the user's changes as they happen",
            {{"description",
              "Upgrade to WebSocket with the token in Authorization or ?token=. Messages: "
              "{\"type\":\"memory.upserted\"|\"memory.deleted\"|\"file.ready\"|\"file.failed\"|"
              "\"entitlement.changed\","
              "\"id\",\"cursor\"} where cursor is the sync cursor after that change. Connect, then "
              "sync to catch up: every later change arrives here. Idle sockets are pinged; a "
              "revoked token closes the socket (1008); a client that does not read its "
              "messages is disconnected; a restarting server closes with 1001."},
             {"parameters", socket_token_params()}},
            std::move(responses)}}}});
}

}  // namespace mindme::app
