"""Google Play purchases against a stand-in of the Android Publisher API
(tests/e2e/google_play_stand_in.py; the service account's grant checked as Google checks it):
a one-time purchase read from Google, granted once and acknowledged exactly once even when
Google fails the first acknowledgement; a consumable consumed; a subscription granted with
its expiry and acknowledged; pending, canceled, unknown and other accounts' purchases
refused by name; real-time developer notifications (a Pub/Sub push with a shared secret)
revoking a voided purchase once."""
import base64
import json
import unittest

import google_play_stand_in as play
import google_stand_ins as google
from mindme_server import ApiUser, Server, until

PRODUCTS = ("mindme.lifetime:lifetime:non-consumable,mindme.coins:coins:consumable,"
            "mindme.plus.monthly:plus:subscription")
SECRET = "pubsub-shared-secret"


class GooglePlayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = google.Keys()
        cls.play = play.GooglePlayStandIn(cls.keys.mint("play-service-account"))
        cls.server = Server("purchases.products=" + PRODUCTS,
                            "purchases.google.package_name=" + play.PACKAGE,
                            "purchases.google.credentials_file=" +
                            cls.play.service_account_file(cls.keys.dir),
                            "purchases.google.url=" + cls.play.url(),
                            "purchases.google.notification_token=" + SECRET,
                            "queue.poll_ms=20", "queue.retry_base_ms=200",
                            "queue.retry_cap_ms=1000", "http_client.max_attempts=1",
                            "guard.rate_limit.requests=100000000")
        cls.count = 0

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.play.stop()
        cls.keys.cleanup()

    def user(self):
        GooglePlayTest.count += 1
        u = ApiUser(self.server, "play-%d@example.com" % GooglePlayTest.count)
        u.app_token = u.call("GET", "/v1/me")[2]["user"]["app_account_token"]
        return u

    def token(self):
        GooglePlayTest.count += 1
        return "play-token-%d-abcdefghijklmnop" % GooglePlayTest.count

    def buy(self, user, product_id, token):
        return user.call("POST", "/v1/purchases", {"platform": "android", "product_id": product_id,
                                                  "purchase_token": token})

    def products_of(self, user):
        return [e["product_id"] for e in user.call("GET", "/v1/entitlements")[2]["items"]]

    def test_a_purchase_is_acknowledged_exactly_once_even_when_google_fails_first(self):
        user, token = self.user(), self.token()
        self.play.product("mindme.lifetime", token, user.app_token)
        with self.play.play_lock:
            self.play.fail_next = 1
        status, _, body = self.buy(user, "mindme.lifetime", token)
        self.assertEqual(status, 201, body)
        self.assertEqual((body["entitlement"]["platform"], body["entitlement"]["entitlement"]),
                         ("android", "lifetime"))
        self.assertTrue(until(lambda: self.play.acknowledgements(token), seconds=30))
        status, _, again = self.buy(user, "mindme.lifetime", token)  # the app sends it again
        self.assertEqual((status, again["entitlement"]["id"]), (200, body["entitlement"]["id"]))
        # The replay's job found it acknowledged: still one acknowledgement.
        self.assertTrue(until(lambda: self.server.metric(
            'jobs_total{topic="purchases.acknowledge",outcome="done"}') >= 2, seconds=30))
        self.assertEqual(self.play.acknowledgements(token), ["product_ack"])
        self.assertEqual(self.products_of(user), ["mindme.lifetime"])

    def test_a_consumable_is_consumed(self):
        user, token = self.user(), self.token()
        self.play.product("mindme.coins", token, user.app_token)
        self.assertEqual(self.buy(user, "mindme.coins", token)[0], 201)
        self.assertTrue(until(lambda: self.play.acknowledgements(token) == ["product_consume"],
                              seconds=30))

    def test_a_subscription_is_granted_with_its_expiry(self):
        user, token = self.user(), self.token()
        self.play.subscription("mindme.plus.monthly", token, user.app_token)
        status, _, body = self.buy(user, "mindme.plus.monthly", token)
        self.assertEqual(status, 201, body)
        self.assertIn("expires_at", body["entitlement"])
        self.assertTrue(until(lambda: self.play.acknowledgements(token) == ["subscription_ack"],
                              seconds=30))

    def test_refused_purchases_name_their_reason(self):
        user = self.user()
        cases = []
        token = self.token()
        self.play.product("mindme.lifetime", token, user.app_token, state=2)
        cases.append(("pending", "mindme.lifetime", token))
        token = self.token()
        self.play.product("mindme.lifetime", token, user.app_token, state=1)
        cases.append(("revoked", "mindme.lifetime", token))
        token = self.token()
        self.play.product("mindme.lifetime", token, "00000000-0000-4000-8000-000000000000")
        cases.append(("wrong_account", "mindme.lifetime", token))
        cases.append(("unknown_purchase", "mindme.lifetime", "never-bought-token"))
        token = self.token()
        self.play.subscription("mindme.plus.monthly", token, user.app_token,
                               state="SUBSCRIPTION_STATE_EXPIRED", expires_in=-60)
        cases.append(("expired", "mindme.plus.monthly", token))
        cases.append(("unknown_product", "mindme.unknown", self.token()))
        for reason, product_id, purchase_token in cases:
            status, _, body = self.buy(user, product_id, purchase_token)
            self.assertEqual(status, 422, (reason, body))
            self.assertIn("(%s)" % reason, body["error"]["message"])
        self.assertEqual(self.products_of(user), [])

    def push(self, message_id, notification, secret=SECRET):
        body = {"message": {"data": base64.b64encode(json.dumps(notification).encode()).decode(),
                            "messageId": message_id, "publishTime": "2026-12-07T10:00:00Z"},
                "subscription": "projects/mindme-test/subscriptions/play"}
        return self.server.request("POST", "/v1/purchases/google/notifications?token=" + secret,
                                   body=json.dumps(body), headers={"Content-Type": "application/json"})

    def test_a_voided_purchase_notification_revokes_once(self):
        user, token = self.user(), self.token()
        self.play.product("mindme.lifetime", token, user.app_token)
        self.assertEqual(self.buy(user, "mindme.lifetime", token)[0], 201)
        voided = {"version": "1.0", "packageName": play.PACKAGE, "eventTimeMillis": "1",
                  "voidedPurchaseNotification": {"purchaseToken": token, "orderId": "GPA.1",
                                                 "productType": 2, "refundType": 1}}
        self.assertEqual(self.push("msg-%d" % GooglePlayTest.count, voided, "wrong")[0], 403)
        other_app = dict(voided, packageName="com.example.other")
        self.assertEqual(self.push("msg-other-%d" % GooglePlayTest.count, other_app)[0], 422)
        for _ in range(2):  # Pub/Sub redelivers
            status, _, body = self.push("msg-%d" % GooglePlayTest.count, voided)
            self.assertEqual(status, 204, body)
        self.assertTrue(until(lambda: self.products_of(user) == [], seconds=30))
        changes = [c["entitlement"]["active"] for c in user.call("GET", "/v1/sync")[2]["changes"]
                   if c["type"] == "entitlement"]
        self.assertEqual(changes, [True, False])


if __name__ == "__main__":
    unittest.main()
