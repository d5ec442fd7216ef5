"""The QR hand-off end to end: the web session makes a code; the QR code drawn as PNG reads
back (zbarimg) as its URL; a phone that is signed in to nothing reads the product and the
owner's app_account_token, buys, and redeems with App Store data signed by a CA minted for
the test; the owner's open socket hears entitlement.changed. Two redeems at once grant once;
used, unknown and expired codes answer 409, 404, 410; a proof for another product or
account is refused and leaves the code usable."""
import json
import os
import subprocess
import tempfile
import threading
import unittest

from apple_signer import AppleSigner, transaction
from mindme_server import ApiUser, Server, until
from ws_client import WebSocket

PRODUCTS = "mindme.plus.monthly:plus:subscription,mindme.lifetime:lifetime:non-consumable"


def handoff_server(apple, *sets):
    return Server("purchases.products=" + PRODUCTS, "purchases.apple.root_certs=" + apple.root_path,
                  "purchases.apple.bundle_id=app.mindme.ios", "purchases.apple.environment=Sandbox",
                  "purchases.qr.link_base=https://mindme.example/buy/",
                  "guard.rate_limit.requests=100000000", *sets)


class HandoffTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.apple = AppleSigner()
        cls.server = handoff_server(cls.apple)
        cls.count = 0

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.apple.close()

    def anonymous(self, method, path, body=None):
        status, headers, raw = self.server.request(
            method, path, body=None if body is None else json.dumps(body),
            headers={"Content-Type": "application/json"} if body is not None else {})
        return status, headers, raw

    def start(self, product="mindme.lifetime"):
        HandoffTest.count += 1
        owner = ApiUser(self.server, "web-%d@example.com" % HandoffTest.count)
        status, _, made = owner.call("POST", "/v1/purchases/qr", {"product_id": product})
        self.assertEqual(status, 201, made)
        return owner, made

    def proof(self, code, product=None, token=None, number=None):
        """What the phone sends after buying what the code asks for."""
        status, _, raw = self.anonymous("GET", "/v1/purchases/qr/" + code)
        self.assertEqual(status, 200, raw)
        asked = json.loads(raw)
        HandoffTest.count += 1
        product = product or asked["product_id"]
        return {"platform": "ios", "signed_transaction": self.apple.sign(transaction(
            product, str(number or 9000000 + HandoffTest.count),
            token if token is not None else asked["app_account_token"],
            expires_in=30 * 86400 if product == "mindme.plus.monthly" else None))}

    def test_a_phone_buys_for_the_web_session_that_showed_the_code(self):
        owner, made = self.start()
        self.assertEqual(made["url"], "https://mindme.example/buy/" + made["code"])
        status, headers, png = self.anonymous("GET", "/v1/purchases/qr/%s.png" % made["code"])
        self.assertEqual((status, headers["content-type"]), (200, "image/png"))
        with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as f:
            f.write(png)
        try:
            read = subprocess.run(["zbarimg", "--quiet", "--raw", f.name], capture_output=True,
                                  text=True, timeout=30).stdout.strip()
        finally:
            os.unlink(f.name)
        self.assertEqual(read, made["url"])
        status, headers, svg = self.anonymous("GET", "/v1/purchases/qr/%s.svg" % made["code"])
        self.assertEqual((status, headers["content-type"]), (200, "image/svg+xml"))
        self.assertTrue(svg.startswith(b"<svg"))
        _, _, raw = self.anonymous("GET", "/v1/purchases/qr/" + made["code"])
        asked = json.loads(raw)
        self.assertEqual((asked["product_id"], asked["entitlement"]), ("mindme.lifetime", "lifetime"))
        self.assertEqual(asked["app_account_token"],
                         owner.call("GET", "/v1/me")[2]["user"]["app_account_token"])
        socket = WebSocket(self.server.port, "/v1/events?token=" + owner.token)
        try:
            status, _, raw = self.anonymous("POST", "/v1/purchases/qr/%s/redeem" % made["code"],
                                            self.proof(made["code"]))
            self.assertEqual(status, 201, raw)
            self.assertEqual(socket.receive()["type"], "entitlement.changed")
        finally:
            socket.close()
        self.assertEqual([e["product_id"] for e in owner.call("GET", "/v1/entitlements")[2]["items"]],
                         ["mindme.lifetime"])
        status, _, _ = self.anonymous("POST", "/v1/purchases/qr/%s/redeem" % made["code"],
                                      self.proof_after_use(owner))
        self.assertEqual(status, 409)
        self.assertEqual(self.anonymous("GET", "/v1/purchases/qr/" + made["code"])[0], 409)

    def proof_after_use(self, owner):
        token = owner.call("GET", "/v1/me")[2]["user"]["app_account_token"]
        HandoffTest.count += 1
        return {"platform": "ios", "signed_transaction": self.apple.sign(
            transaction("mindme.lifetime", str(9500000 + HandoffTest.count), token))}

    def test_two_redeems_at_once_grant_once(self):
        owner, made = self.start()
        proofs = [self.proof(made["code"]), self.proof(made["code"])]
        answers = [None, None]

        def redeem(i):
            answers[i] = self.anonymous("POST", "/v1/purchases/qr/%s/redeem" % made["code"],
                                        proofs[i])[0]
        threads = [threading.Thread(target=redeem, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        self.assertEqual(sorted(answers), [201, 409])
        self.assertEqual(len(owner.call("GET", "/v1/entitlements")[2]["items"]), 1)

    def test_a_proof_for_another_product_or_account_leaves_the_code_usable(self):
        owner, made = self.start()
        for reason, body in [("wrong_product", self.proof(made["code"], product="mindme.plus.monthly")),
                             ("wrong_account", self.proof(made["code"], token="")),
                             ("wrong_account", self.proof(
                                 made["code"], token="00000000-0000-4000-8000-000000000000"))]:
            status, _, raw = self.anonymous("POST", "/v1/purchases/qr/%s/redeem" % made["code"], body)
            self.assertEqual(status, 422, raw)
            self.assertIn("(%s)" % reason, json.loads(raw)["error"]["message"])
        self.assertEqual(self.anonymous("GET", "/v1/purchases/qr/" + made["code"])[0], 200)
        self.assertEqual(owner.call("GET", "/v1/entitlements")[2]["items"], [])

    def test_unknown_codes_are_404_and_the_code_needs_a_product_sold_here(self):
        for path in ["/v1/purchases/qr/nosuchcode", "/v1/purchases/qr/nosuchcode.png"]:
            self.assertEqual(self.anonymous("GET", path)[0], 404)
        status, _, _ = self.anonymous("POST", "/v1/purchases/qr/nosuchcode/redeem",
                                      {"platform": "ios", "signed_transaction": "a.b.c"})
        self.assertEqual(status, 404)
        user = ApiUser(self.server, "handoff-unknown@example.com")
        status, _, body = user.call("POST", "/v1/purchases/qr", {"product_id": "mindme.unknown"})
        self.assertEqual(status, 422, body)
        self.assertEqual(self.anonymous("POST", "/v1/purchases/qr", {"product_id": "x"})[0], 401)

    def test_an_expired_code_is_gone(self):
        server = handoff_server(self.apple, "purchases.qr.ttl_seconds=1")
        try:
            owner = ApiUser(server, "handoff-expired@example.com")
            _, _, made = owner.call("POST", "/v1/purchases/qr", {"product_id": "mindme.lifetime"})
            self.assertTrue(until(lambda: server.request(
                "GET", "/v1/purchases/qr/" + made["code"])[0] == 410, seconds=10))
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
