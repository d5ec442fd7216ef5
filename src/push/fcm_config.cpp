#include "core/config.hpp"
#include "push/fcm.hpp"

namespace mindme::push {

void declare_config(core::ConfigSchema& schema) {
    schema.add_string("push.fcm.credentials_file", "",
                      "A Google service account key (JSON) allowed to send with Firebase Cloud "
                      "Messaging. Set: a file that finishes processing is pushed to each of "
                      "its owner's devices. Empty: push is off.");
    schema.add_string("push.fcm.project_id", "",
                      "The Firebase project messages are sent in; empty: the key file's "
                      "project_id.");
    schema.add_string("push.fcm.url", "https://fcm.googleapis.com",
                      "The FCM HTTP v1 API's base URL (a stand-in's, in tests).");
    schema.add_int("push.max_devices_per_user", 20, 1, 1000,
                   "Devices one user may register for push; registering one more forgets the "
                   "oldest.");
}

std::optional<FcmConfig> fcm_config(const core::Config& c) {
    auto file = c.get_string("push.fcm.credentials_file");
    if (file.empty()) return std::nullopt;
    FcmConfig f{upstream::ServiceAccount::load(file), {}};
    f.options.base_url = c.get_string("push.fcm.url");
    while (!f.options.base_url.empty() && f.options.base_url.back() == '/')
        f.options.base_url.pop_back();
    f.options.project_id = c.get_string("push.fcm.project_id");
    if (f.options.project_id.empty()) f.options.project_id = f.account.project_id;
    return f;
}

}  // namespace mindme::push
