#pragma once
// The worker's push jobs (store::kPushTopic): one FCM message to one device about a file
// whose processing ended. A device FCM reports gone is forgotten; QUOTA_EXCEEDED retries
// no sooner than a minute (or Retry-After), UNAVAILABLE and INTERNAL with backoff, other
// refusals go to the dead letter with FCM's error. Counted in
// push_messages_total{platform,outcome}.
#include "metrics/registry.hpp"
#include "push/fcm.hpp"
#include "queue/runner.hpp"
#include "store/devices.hpp"
#include "store/files.hpp"

namespace mindme::app {

queue::JobHandler push_sender(store::DeviceStore& devices, store::FileStore& files,
                              push::FcmSender& fcm, metrics::Registry& registry);

}  // namespace mindme::app
