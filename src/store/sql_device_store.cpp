// DeviceStore on SqlDatabase, in SQL that every backend accepts.
#include <soci/soci.h>

#include <boost/json.hpp>

#include "core/digest.hpp"
#include "core/json.hpp"
#include "store/devices.hpp"
#include "store/outbox.hpp"
#include "store/sql_database.hpp"
#include "store/sql_statements.hpp"

namespace mindme::store {
namespace {

using detail::affected;
using detail::statement;

constexpr const char* kColumns = "SELECT id, user_id, platform, token, created_at FROM devices ";

// The unique key of a token (tokens run to hundreds of bytes).
std::string token_hash(const std::string& token) { return core::sha256_hex(token); }

std::vector<Device> read_devices(soci::session& s, const std::string& where, const std::string& a,
                                 const std::string& b = {}) {
    Device d;
    soci::statement st(s);
    st.exchange(soci::into(d.id));
    st.exchange(soci::into(d.user_id));
    st.exchange(soci::into(d.platform));
    st.exchange(soci::into(d.token));
    st.exchange(soci::into(d.created_at_ms));
    st.exchange(soci::use(a));
    if (!b.empty()) st.exchange(soci::use(b));
    detail::prepare(st, std::string(kColumns) + where);
    std::vector<Device> out;
    if (st.execute(true)) {
        do {
            out.push_back(d);
        } while (st.fetch());
    }
    return out;
}

class SqlDeviceStore final : public DeviceStore {
public:
    explicit SqlDeviceStore(SqlDatabase& db) : db_(db) {}

    boost::asio::awaitable<Registration> register_device(Device device, std::size_t max_per_user,
                                                         Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> Registration {
                SqlDatabase::WriteTransaction tx(db_, s, device.user_id);
                auto hash = token_hash(device.token);
                auto held = read_devices(s, "WHERE token_hash = :h", hash);
                if (!held.empty() && held[0].user_id == device.user_id) return {held[0], false};
                // Another user's install of this token is over: it moves to this user.
                if (!held.empty()) {
                    auto st =
                        statement(s, "DELETE FROM devices WHERE token_hash = :h", soci::use(hash));
                    affected(st);
                }
                auto st = statement(
                    s,
                    "INSERT INTO devices (id, user_id, platform, token, token_hash, "
                    "created_at) VALUES (:i, :u, :p, :t, :h, :c)",
                    soci::use(device.id), soci::use(device.user_id), soci::use(device.platform),
                    soci::use(device.token), soci::use(hash), soci::use(device.created_at_ms));
                affected(st);
                auto mine = read_devices(s, "WHERE user_id = :u ORDER BY created_at DESC, id DESC",
                                         device.user_id);
                for (std::size_t i = max_per_user; i < mine.size(); ++i) {
                    if (mine[i].id == device.id) continue;
                    auto gone =
                        statement(s, "DELETE FROM devices WHERE id = :i", soci::use(mine[i].id));
                    affected(gone);
                }
                tx.commit();
                return {device, true};
            },
            deadline);
    }

    boost::asio::awaitable<std::vector<Device>> list(std::string user_id,
                                                     Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                return read_devices(s, "WHERE user_id = :u ORDER BY created_at DESC, id DESC",
                                    user_id);
            },
            deadline);
    }

    boost::asio::awaitable<std::optional<Device>> find(std::string user_id, std::string id,
                                                       Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) -> std::optional<Device> {
                auto found = read_devices(s, "WHERE id = :i AND user_id = :u", id, user_id);
                if (found.empty()) return std::nullopt;
                return found[0];
            },
            deadline);
    }

    boost::asio::awaitable<bool> remove(std::string user_id, std::string id,
                                        Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                auto st = statement(s, "DELETE FROM devices WHERE id = :i AND user_id = :u",
                                    soci::use(id), soci::use(user_id));
                return affected(st) > 0;
            },
            deadline);
    }

    boost::asio::awaitable<bool> remove_token(std::string id, std::string token,
                                              Deadline deadline) override {
        co_return co_await db_.run(
            [&](soci::session& s) {
                auto hash = token_hash(token);
                auto st = statement(s, "DELETE FROM devices WHERE id = :i AND token_hash = :h",
                                    soci::use(id), soci::use(hash));
                return affected(st) > 0;
            },
            deadline);
    }

private:
    SqlDatabase& db_;
};

}  // namespace

std::string push_payload(const PushRef& ref) {
    boost::json::object o{{"user_id", ref.user_id},
                          {"device_id", ref.device_id},
                          {"event", ref.event},
                          {"id", ref.id}};
    return boost::json::serialize(o);
}

PushRef parse_push_payload(const std::string& payload) {
    try {
        auto value = boost::json::parse(payload);
        const auto& o = value.as_object();
        auto text = [&o](const char* k) { return std::string(o.at(k).as_string()); };
        return {text("user_id"), text("device_id"), text("event"), text("id")};
    } catch (const std::exception&) {
        throw std::invalid_argument("not a push job payload: " + payload.substr(0, 200));
    }
}

void add_push_jobs(soci::session& s, const std::string& user_id, const std::string& event,
                   const std::string& id, std::int64_t now_ms) {
    for (const auto& device : read_devices(s, "WHERE user_id = :u", user_id))
        add_job(s, {kPushTopic, push_payload({user_id, device.id, event, id}), 0}, now_ms);
}

std::unique_ptr<DeviceStore> make_sql_device_store(SqlDatabase& db) {
    return std::make_unique<SqlDeviceStore>(db);
}

}  // namespace mindme::store
