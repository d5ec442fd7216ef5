"""Purchases against App Store data signed by a certificate authority minted for the test
(tests/e2e/apple_signer.py, Apple's shape and OIDs, real ES256): the account's
app_account_token, a subscription granted once (a replay is the same grant, another
account is refused), visible in GET /v1/entitlements, in /v1/sync and as an event on the
user's open socket; each refused proof a 422 naming its reason that grants nothing; App
Store notifications applied once (a refund revokes, a renewal of a subscription the app never
reported grants it to the account it names, a forged one is refused); and purchases off
without products."""
import unittest

from apple_signer import AppleSigner, notification, transaction
from mindme_server import ApiUser, Server, until
from ws_client import WebSocket

PRODUCTS = ("mindme.plus.monthly:plus:subscription,mindme.lifetime:lifetime:non-consumable,"
            "mindme.coins:coins:consumable")


class PurchasesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.apple = AppleSigner()
        cls.other_apple = AppleSigner("Not Apple")
        cls.server = Server("purchases.products=" + PRODUCTS,
                            "purchases.apple.root_certs=" + cls.apple.root_path,
                            "purchases.apple.bundle_id=app.mindme.ios",
                            "purchases.apple.environment=Sandbox",
                            "guard.rate_limit.requests=100000000")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.apple.close()
        cls.other_apple.close()

    def token_of(self, user):
        status, _, me = user.call("GET", "/v1/me")
        self.assertEqual(status, 200)
        return me["user"]["app_account_token"]

    def buy(self, user, jws):
        return user.call("POST", "/v1/purchases", {"platform": "ios", "signed_transaction": jws})

    def entitlements(self, user):
        return [e["product_id"] for e in user.call("GET", "/v1/entitlements")[2]["items"]]

    def test_every_account_has_a_stable_app_account_token(self):
        user = ApiUser(self.server, "token@example.com")
        token = self.token_of(user)
        self.assertRegex(token, r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        self.assertEqual(self.token_of(user), token)
        self.assertNotEqual(self.token_of(ApiUser(self.server, "token2@example.com")), token)

    def test_a_subscription_is_granted_once_and_reaches_every_device(self):
        user = ApiUser(self.server, "subscriber@example.com")
        socket = WebSocket(self.server.port, "/v1/events?token=" + user.token)
        try:
            jws = self.apple.sign(transaction("mindme.plus.monthly", "1000001",
                                              self.token_of(user), expires_in=30 * 86400))
            status, _, granted = self.buy(user, jws)
            self.assertEqual(status, 201, granted)
            entitlement = granted["entitlement"]
            self.assertEqual((entitlement["entitlement"], entitlement["kind"], entitlement["platform"],
                              entitlement["active"]), ("plus", "subscription", "ios", True))
            self.assertIn("expires_at", entitlement)
            event = socket.receive()
            self.assertEqual((event["type"], event["id"]), ("entitlement.changed", entitlement["id"]))
        finally:
            socket.close()
        status, _, again = self.buy(user, jws)
        self.assertEqual((status, again["entitlement"]["id"]), (200, entitlement["id"]))
        self.assertEqual(self.entitlements(user), ["mindme.plus.monthly"])
        _, _, sync = user.call("GET", "/v1/sync")
        synced = [c for c in sync["changes"] if c["type"] == "entitlement"]
        self.assertEqual(len(synced), 1)
        self.assertEqual(synced[0]["entitlement"]["id"], entitlement["id"])
        # The same purchase sent by another account is not theirs: it names its account...
        thief = ApiUser(self.server, "thief@example.com")
        status, _, body = self.buy(thief, jws)
        self.assertEqual(status, 422, body)
        self.assertIn("(wrong_account)", body["error"]["message"])
        # ...and one that names none was granted to its first account already.
        unnamed = self.apple.sign(transaction("mindme.lifetime", "1000002"))
        self.assertEqual(self.buy(user, unnamed)[0], 201)
        status, _, body = self.buy(thief, unnamed)
        self.assertEqual(status, 409, body)
        self.assertEqual(self.entitlements(thief), [])

    def test_each_refused_proof_names_its_reason_and_grants_nothing(self):
        user = ApiUser(self.server, "refused@example.com")
        mine = self.token_of(user)
        good = transaction("mindme.lifetime", "2000001", mine)
        cases = [
            ("wrong_bundle_id", self.apple.sign(dict(good, bundleId="com.example.other"))),
            ("wrong_environment", self.apple.sign(dict(good, environment="Production"))),
            ("unknown_product", self.apple.sign(dict(good, productId="mindme.unknown"))),
            ("revoked", self.apple.sign(dict(good, revocationDate=good["signedDate"], revocationReason=0))),
            ("expired", self.apple.sign(transaction("mindme.plus.monthly", "2000002", mine, expires_in=-60))),
            ("wrong_account", self.apple.sign(dict(good, appAccountToken="00000000-0000-4000-8000-000000000000"))),
            ("invalid_algorithm", self.apple.sign(good, {"alg": "ES384"})),
            ("missing_x5c", self.apple.sign(good, {"x5c": None})),
            ("untrusted_chain", self.other_apple.sign(good)),
        ]
        signed = self.apple.sign(good)
        head, payload, signature = signed.split(".")
        forged = self.apple.sign(dict(good, productId="mindme.plus.monthly")).split(".")[1]
        cases.append(("invalid_signature", ".".join([head, forged, signature])))
        cases.append(("invalid_jws", "not-a-jws"))
        for reason, jws in cases:
            status, _, body = self.buy(user, jws)
            self.assertEqual(status, 422, (reason, body))
            self.assertIn("(%s)" % reason, body["error"]["message"])
        self.assertEqual(self.entitlements(user), [])
        _, _, sync = user.call("GET", "/v1/sync")
        self.assertEqual([c for c in sync["changes"] if c["type"] == "entitlement"], [])
        status, _, _ = self.buy(user, signed)  # the good one still works
        self.assertEqual(status, 201)
        self.assertEqual(self.entitlements(user), ["mindme.lifetime"])

    def notify(self, payload):
        return self.server.request("POST", "/v1/purchases/apple/notifications",
                                   body='{"signedPayload": "%s"}' % self.apple.sign(payload),
                                   headers={"Content-Type": "application/json"})

    def entitlement_changes(self, user):
        return [c["entitlement"] for c in user.call("GET", "/v1/sync")[2]["changes"]
                if c["type"] == "entitlement"]

    def test_a_refund_notification_revokes_once(self):
        user = ApiUser(self.server, "refunded@example.com")
        bought = transaction("mindme.plus.monthly", "3000001", self.token_of(user),
                             expires_in=30 * 86400)
        self.assertEqual(self.buy(user, self.apple.sign(bought))[0], 201)
        refunded = self.apple.sign(dict(bought, revocationDate=bought["signedDate"] + 1000,
                                        revocationReason=1))
        refund = notification("REFUND", refunded, "6a2c1e1e-0000-4000-8000-000000000001")
        for _ in range(2):  # Apple redelivers what it thinks was not received
            status, _, _ = self.notify(refund)
            self.assertEqual(status, 200)
        self.assertTrue(until(lambda: self.entitlements(user) == [], seconds=20))
        changes = self.entitlement_changes(user)
        self.assertEqual([c["active"] for c in changes], [True, False])  # once, not twice
        self.assertIn("revoked_at", changes[-1])

    def test_a_renewal_the_app_never_reported_grants_the_account_it_names(self):
        user = ApiUser(self.server, "renewed-elsewhere@example.com")
        renewed = self.apple.sign(transaction("mindme.plus.monthly", "4000001",
                                              self.token_of(user), expires_in=30 * 86400))
        status, _, _ = self.notify(notification("DID_RENEW", renewed,
                                                "6a2c1e1e-0000-4000-8000-000000000002"))
        self.assertEqual(status, 200)
        self.assertTrue(until(lambda: self.entitlements(user) == ["mindme.plus.monthly"],
                              seconds=20))

    def test_a_forged_notification_is_refused(self):
        forged = self.other_apple.sign(notification(
            "REFUND", self.apple.sign(transaction("mindme.lifetime", "5000001")),
            "6a2c1e1e-0000-4000-8000-000000000003"))
        status, _, body = self.server.request(
            "POST", "/v1/purchases/apple/notifications",
            body='{"signedPayload": "%s"}' % forged, headers={"Content-Type": "application/json"})
        self.assertEqual(status, 422, body)
        self.assertIn(b"(untrusted_chain)", body)

    def test_bad_requests_are_named(self):
        user = ApiUser(self.server, "bad-request@example.com")
        for body, status in [({"platform": "windows"}, 422), ({"platform": "ios"}, 422),
                             ({"platform": "android", "product_id": "x", "purchase_token": "y"}, 503)]:
            got, _, answer = user.call("POST", "/v1/purchases", body)
            self.assertEqual(got, status, answer)
        self.assertEqual(self.entitlements(user), [])


class PurchasesOffTest(unittest.TestCase):
    def test_without_products_purchases_are_off(self):
        server = Server()
        try:
            user = ApiUser(server, "off@example.com")
            status, _, body = user.call("POST", "/v1/purchases",
                                        {"platform": "ios", "signed_transaction": "a.b.c"})
            self.assertEqual(status, 503, body)
            self.assertEqual(user.call("GET", "/v1/entitlements")[2], {"items": []})
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
