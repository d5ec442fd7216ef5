#pragma once
// The devices a user's push messages go to (an FCM registration token per app install),
// whatever SQL backend holds them. A token belongs to one user at a time: registering it
// again for another user moves it (an app signed in to a new account).
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/accounts.hpp"

namespace soci {
class session;
}

namespace mindme::store {

// A push message to one device about one entity: the job enqueued (through the outbox)
// for each device of a file's owner when its processing ends, when pushes are on.
inline constexpr const char* kPushTopic = "push.send";
struct PushRef {
    std::string user_id;
    std::string device_id;
    std::string event;  // file.ready | file.failed
    std::string id;     // of the entity
};
std::string push_payload(const PushRef& ref);
// Throws std::invalid_argument for a payload that is not one.
PushRef parse_push_payload(const std::string& payload);
// Inside the session's open transaction: a push job for every device of the user.
void add_push_jobs(soci::session& session, const std::string& user_id, const std::string& event,
                   const std::string& id, std::int64_t now_ms);

struct Device {
    std::string id;
    std::string user_id;
    std::string platform;  // android | ios | web
    std::string token;
    std::int64_t created_at_ms = 0;
};

struct Registration {
    Device device;
    bool created = false;  // false: the user had this token already (the same device back)
};

class DeviceStore {
public:
    virtual ~DeviceStore() = default;
    // Registers `device.token` for `device.user_id` (its id and created_at are used when
    // it is new to the user). A user past `max_per_user` devices loses the oldest.
    virtual boost::asio::awaitable<Registration> register_device(Device device,
                                                                 std::size_t max_per_user,
                                                                 Deadline deadline) = 0;
    // Newest first.
    virtual boost::asio::awaitable<std::vector<Device>> list(std::string user_id,
                                                             Deadline deadline) = 0;
    virtual boost::asio::awaitable<std::optional<Device>> find(std::string user_id, std::string id,
                                                               Deadline deadline) = 0;
    // False when the user has no such device.
    virtual boost::asio::awaitable<bool> remove(std::string user_id, std::string id,
                                                Deadline deadline) = 0;
    // Removes the device only while it still holds `token` (push found the token dead; a
    // registration since then keeps it). False when it did not.
    virtual boost::asio::awaitable<bool> remove_token(std::string id, std::string token,
                                                      Deadline deadline) = 0;
};

std::unique_ptr<DeviceStore> make_sql_device_store(SqlDatabase& db);

}  // namespace mindme::store
