#include "app/push_jobs.hpp"

#include "core/log.hpp"

namespace mindme::app {

namespace {

constexpr std::chrono::seconds kPushTimeout{30};
constexpr std::size_t kMaxNameBytes = 80;  // of the file name in the notification

// The notification's text names the file, cut whole characters short when long.
std::string file_text(const store::FileRecord& f, const std::string& event) {
    auto name = f.name;
    if (name.size() > kMaxNameBytes) {
        auto end = kMaxNameBytes;
        while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) --end;
        name = name.substr(0, end) + "…";
    }
    return event == "file.ready" ? name + " is ready" : name + " could not be processed";
}

}  // namespace

queue::JobHandler push_sender(store::DeviceStore& devices, store::FileStore& files,
                              push::FcmSender& fcm, metrics::Registry& registry) {
    auto& outcomes = registry.counter_family("push_messages_total",
                                             "Push messages by device platform and outcome.",
                                             {"platform", "outcome"});
    return
        [&devices, &files, &fcm, &outcomes](const queue::Job& job) -> boost::asio::awaitable<void> {
            store::PushRef ref;
            try {
                ref = store::parse_push_payload(job.payload);
            } catch (const std::invalid_argument& e) {
                throw queue::JobFailed(e.what(), {std::chrono::milliseconds(0), true});
            }
            auto deadline = std::chrono::steady_clock::now() + kPushTimeout;
            // Gone since (removed by the user, or its token moved on): nothing to send.
            auto device = co_await devices.find(ref.user_id, ref.device_id, deadline);
            if (!device) co_return;
            auto file = co_await files.find(ref.user_id, ref.id, deadline);
            if (!file) co_return;
            push::PushMessage message{device->token,
                                      device->platform,
                                      "MindMe",
                                      file_text(*file, ref.event),
                                      {{"type", ref.event}, {"id", ref.id}}};
            auto result = co_await fcm.send(message, deadline);
            outcomes.with({device->platform, push::outcome_name(result.outcome)}).inc();
            switch (result.outcome) {
                case push::Outcome::kSent:
                    co_return;
                case push::Outcome::kUnregistered:
                case push::Outcome::kInvalidToken: {
                    auto id = device->id;
                    auto token = device->token;
                    co_await devices.remove_token(std::move(id), std::move(token), deadline);
                    core::log::info("push device removed",
                                    core::log::Fields()
                                        .add("device", device->id)
                                        .add("reason", push::outcome_name(result.outcome)));
                    co_return;
                }
                case push::Outcome::kQuota:
                case push::Outcome::kUnavailable:
                    throw queue::JobFailed(result.error, {result.retry_after, false});
                case push::Outcome::kRejected:
                    throw queue::JobFailed(result.error, {std::chrono::milliseconds(0), true});
            }
        };
}

}  // namespace mindme::app
