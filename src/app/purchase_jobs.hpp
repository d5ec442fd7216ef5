#pragma once
// The worker's store-notification jobs (store::kStoreNotificationTopic): a notification
// the route verified and accepted, applied to the grant of its purchase — a refund or
// revocation revokes it, a renewal (or an expiry) moves its expiry — and a subscription
// started outside the app (its transaction naming one of our accounts) granted. A payload
// that cannot be read goes to the dead letter at once.
#include <vector>

#include "purchases/products.hpp"
#include "queue/runner.hpp"
#include "store/purchases.hpp"

namespace mindme::app {

queue::JobHandler store_notification_applier(store::PurchaseStore& store,
                                             std::vector<purchases::Product> products);

}  // namespace mindme::app
