#pragma once
// The worker's purchase jobs.
// - store::kStoreNotificationTopic: a notification the route verified and accepted,
//   applied to the grant of its purchase — a refund, revocation or voided purchase revokes
//   it, a renewal (or an expiry) moves its expiry, and a purchase made outside the app
//   (naming one of our accounts) is granted. Google's notifications only say that
//   something changed: the purchase is read from Google again.
// - kGoogleAcknowledgeTopic: a Google Play purchase acknowledged (or consumed), once —
//   read first, so a retry after a lost answer does not do it twice; retried with backoff
//   until Google answers, as Google refunds what is not acknowledged within three days.
// A payload that cannot be read, or a token Google does not know, goes to the dead letter
// at once.
#include <vector>

#include "purchases/google_play.hpp"
#include "purchases/products.hpp"
#include "queue/runner.hpp"
#include "store/purchases.hpp"

namespace mindme::app {

// `play`: nullptr when Google Play is off (its notifications are refused before).
queue::JobHandler store_notification_applier(store::PurchaseStore& store,
                                             std::vector<purchases::Product> products,
                                             purchases::GooglePlay* play);
queue::JobHandler google_acknowledger(purchases::GooglePlay& play);

}  // namespace mindme::app
