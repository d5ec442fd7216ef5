"""Firebase (docs/firebase.md): sign-in with Firebase ID tokens minted here against a
local key server, each of firebase-admin's rejection cases a 401 naming its rule, a key
rotation picked up without a restart; devices; and push through FCM HTTP v1 to a
stand-in (tests/e2e/google_stand_ins.py) that checks the OAuth grant, the bearer token
and the message schema — an unregistered device forgotten, and a push written while FCM
is down delivered once it is back."""
import json
import time
import unittest
from urllib.parse import quote

import google_stand_ins as google
import sample_files
from mindme_server import ApiUser, Server, until


def sign_in(server, id_token):
    status, _, body = server.request("POST", "/v1/sessions",
                                     body=json.dumps({"firebase_id_token": id_token}),
                                     headers={"Content-Type": "application/json"})
    return status, json.loads(body) if body else None


def bearer(server, token, method="GET", path="/v1/me"):
    status, _, body = server.request(method, path, headers={"Authorization": "Bearer " + token})
    return status, json.loads(body) if body else None


class FirebaseSignInTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = google.Keys()
        cls.key1 = cls.keys.mint("kid-1")
        cls.key2 = cls.keys.mint("kid-2")
        cls.key_server = google.KeyServer({"kid-1": cls.key1})
        cls.server = Server("auth.firebase.project_id=" + google.PROJECT,
                            "auth.firebase.certs_url=" + cls.key_server.url("/certs"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.key_server.stop()
        cls.keys.cleanup()

    def test_a_token_signs_a_user_in_and_the_first_use_makes_the_account(self):
        token = google.id_token(self.key1, sub="uid-sign-in", email="first@example.com")
        status, doc = sign_in(self.server, token)
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["user"]["email"], "first@example.com")
        session = doc["token"]
        status, again = sign_in(self.server, google.id_token(self.key1, sub="uid-sign-in"))
        self.assertEqual(status, 200, again)
        self.assertEqual(again["user"]["id"], doc["user"]["id"])
        # The MindMe session token and the ID token itself both work on every route.
        self.assertEqual(bearer(self.server, session)[1]["user"]["id"], doc["user"]["id"])
        status, me = bearer(self.server, token)
        self.assertEqual((status, me["user"]["id"]), (200, doc["user"]["id"]))
        status, _, created = self.server.request(
            "POST", "/v1/memories", body=json.dumps({"title": "from firebase"}),
            headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        self.assertEqual(status, 201, created)
        status, listing = bearer(self.server, session, path="/v1/memories")
        self.assertEqual([m["title"] for m in listing["items"]], ["from firebase"])

    def test_an_unverified_email_is_not_taken(self):
        token = google.id_token(self.key1, sub="uid-unverified", email="who@example.com",
                                email_verified=False)
        status, doc = sign_in(self.server, token)
        self.assertEqual((status, doc["user"]["email"]), (200, ""))

    def test_each_broken_rule_is_a_401_naming_it(self):
        now = int(time.time())
        custom_aud = ("https://identitytoolkit.googleapis.com/"
                      "google.identity.identitytoolkit.v1.IdentityToolkit")
        claims = {"iss": "https://securetoken.google.com/" + google.PROJECT,
                  "aud": google.PROJECT, "sub": "x", "iat": now, "exp": now + 3600}
        cases = {
            "no kid": (google.id_token(self.key1, kid=None), "no key id"),
            "custom token": (google.id_token(self.key1, kid=None, aud=custom_aud), "custom token"),
            "wrong kid": (google.id_token(self.key1, kid="kid-none"), "unknown key"),
            "bad audience": (google.id_token(self.key1, aud="other-project"), "wrong audience"),
            "bad issuer": (google.id_token(self.key1, iss="https://securetoken.google.com/other"),
                           "wrong issuer"),
            "empty subject": (google.id_token(self.key1, sub=""), "empty subject"),
            "non-string subject": (google.id_token(self.key1, sub=12), "no subject"),
            "129-character subject": (google.id_token(self.key1, sub="a" * 129),
                                      "longer than 128"),
            "future iat": (google.id_token(self.key1, iat=now + 1000), "in the future"),
            "expired": (google.id_token(self.key1, exp=now - 1000), "expired"),
            "malformed": ("foo.bar.baz", "malformed"),
            "two segments": ("foo.bar", "malformed"),
            "HS256": (google.unsigned_token({"alg": "HS256", "kid": "kid-1"}, claims, b"x" * 32),
                      "only RS256"),
            "unsigned": (google.unsigned_token({"alg": "none", "kid": "kid-1"}, claims),
                         "only RS256"),
            "other key's signature": (google.id_token(self.key2, kid="kid-1"),
                                      "invalid signature"),
        }
        for name, (token, rule) in cases.items():
            with self.subTest(name):
                status, doc = sign_in(self.server, token)
                self.assertEqual(status, 401, doc)
                self.assertEqual(doc["error"]["code"], "unauthorized")
                self.assertIn(rule, doc["error"]["message"])
                # As a bearer token on a route: the same answer.
                if token.count(".") == 2:
                    status, doc = bearer(self.server, token)
                    self.assertEqual(status, 401, doc)
                    self.assertIn(rule, doc["error"]["message"])
        # No token content reaches the log.
        log = self.server.output()
        for token, _ in cases.values():
            signature = token.rsplit(".", 1)[-1]
            if len(signature) > 20:
                self.assertNotIn(signature, log)

    def test_a_rotated_key_is_picked_up_without_a_restart(self):
        self.assertEqual(sign_in(self.server, google.id_token(self.key1, sub="uid-before"))[0], 200)
        before = self.key_server.fetches
        self.key_server.rotate({"kid-1": self.key1, "kid-2": self.key2})
        status, doc = sign_in(self.server, google.id_token(self.key2, kid="kid-2",
                                                            sub="uid-rotated"))
        self.assertEqual(status, 200, doc)
        self.assertEqual(self.key_server.fetches, before + 1)
        # Made-up key ids do not make us fetch again right away.
        for i in range(5):
            status, _ = sign_in(self.server, google.id_token(self.key1, kid="made-up-%d" % i))
            self.assertEqual(status, 401)
        self.assertEqual(self.key_server.fetches, before + 1)


class FirebaseKeyCacheTest(unittest.TestCase):
    """Keys that are stale (max-age 0) keep serving while the key server hangs or fails."""

    @classmethod
    def setUpClass(cls):
        cls.keys = google.Keys()
        cls.key1 = cls.keys.mint("kid-1")
        cls.key_server = google.KeyServer({"kid-1": cls.key1}, max_age=0)
        cls.server = Server("auth.firebase.project_id=" + google.PROJECT,
                            "auth.firebase.certs_url=" + cls.key_server.url("/certs"))

    @classmethod
    def tearDownClass(cls):
        cls.key_server.release()
        cls.server.stop()
        cls.key_server.stop()
        cls.keys.cleanup()

    def test_a_cached_key_never_waits_for_the_key_server(self):
        self.assertEqual(sign_in(self.server, google.id_token(self.key1, sub="uid-c1"))[0], 200)
        self.key_server.hold()
        try:
            # The keys are stale: this sign-in starts a refresh, which hangs, and is
            # answered from the cached keys meanwhile.
            self.assertEqual(sign_in(self.server, google.id_token(self.key1, sub="uid-c2"))[0],
                             200)
            self.assertTrue(until(lambda: self.key_server.waiting == 1))
            for i in range(3):
                status, doc = sign_in(self.server, google.id_token(self.key1, sub="uid-c%d" % i))
                self.assertEqual(status, 200, doc)
            self.assertEqual(self.key_server.waiting, 1)  # one refresh, however many asked
        finally:
            self.key_server.release()

    def test_a_failing_key_server_leaves_the_last_good_keys(self):
        self.assertEqual(sign_in(self.server, google.id_token(self.key1, sub="uid-f1"))[0], 200)
        self.key_server.failing = True
        try:
            before = self.key_server.fetches
            # Each sign-in sees stale keys; the refresh behind it fails; the keys stay.
            self.assertTrue(until(lambda: sign_in(self.server, google.id_token(
                self.key1, sub="uid-f2"))[0] == 200 and self.key_server.fetches > before))
            self.assertEqual(sign_in(self.server, google.id_token(self.key1, sub="uid-f3"))[0],
                             200)
        finally:
            self.key_server.failing = False


class FirebaseOffTest(unittest.TestCase):
    def test_an_id_token_is_refused_by_name_when_firebase_is_off(self):
        with Server() as server:
            status, doc = sign_in(server, "a.b.c")
            self.assertEqual(status, 422, doc)
            self.assertIn("firebase_id_token", doc["error"]["message"])


class DevicesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.user = ApiUser(cls.server, "devices@example.com")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_register_list_and_delete(self):
        status, _, first = self.user.call("POST", "/v1/devices",
                                          {"platform": "android", "token": "tok-a"})
        self.assertEqual(status, 201, first)
        self.assertEqual(first["platform"], "android")
        self.assertIn("created_at", first)
        status, _, again = self.user.call("POST", "/v1/devices",
                                          {"platform": "android", "token": "tok-a"})
        self.assertEqual((status, again["id"]), (200, first["id"]))
        self.user.call("POST", "/v1/devices", {"platform": "web", "token": "tok-b"})
        status, _, listing = self.user.call("GET", "/v1/devices")
        self.assertEqual(status, 200)
        self.assertEqual([d["platform"] for d in listing["items"]], ["web", "android"])
        self.assertNotIn("token", listing["items"][0])
        status, _, _ = self.user.call("DELETE", "/v1/devices/" + first["id"])
        self.assertEqual(status, 204)
        status, _, doc = self.user.call("DELETE", "/v1/devices/" + first["id"])
        self.assertEqual((status, doc["error"]["code"]), (404, "not_found"))

    def test_a_token_moves_to_the_user_who_registers_it_last(self):
        other = ApiUser(self.server, "devices-other@example.com")
        self.user.call("POST", "/v1/devices", {"platform": "ios", "token": "tok-shared"})
        status, _, _ = other.call("POST", "/v1/devices", {"platform": "ios", "token": "tok-shared"})
        self.assertEqual(status, 201)
        mine = self.user.call("GET", "/v1/devices")[2]["items"]
        self.assertNotIn("ios", [d["platform"] for d in mine])
        # Another user's device cannot be deleted.
        theirs = other.call("GET", "/v1/devices")[2]["items"][0]["id"]
        self.assertEqual(self.user.call("DELETE", "/v1/devices/" + theirs)[0], 404)

    def test_bad_input_names_the_field(self):
        for body, field in [({"platform": "symbian", "token": "t"}, "platform"),
                            ({"platform": "ios"}, "token"),
                            ({"platform": "ios", "token": ""}, "token"),
                            ({"platform": "ios", "token": "x" * 4097}, "token"),
                            ({"platform": "ios", "token": "has space"}, "token"),
                            ({"token": "t"}, "platform")]:
            with self.subTest(body=str(body)[:60]):
                status, _, doc = self.user.call("POST", "/v1/devices", body)
                self.assertEqual(status, 422, doc)
                self.assertIn(field, doc["error"]["message"])
        self.assertEqual(self.user.call("GET", "/v1/devices", headers={"Authorization": ""})[0],
                         401)


class PushTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = google.Keys()
        cls.apis = google.GoogleApis(cls.keys.mint("service-account"))
        cls.server = Server("push.fcm.credentials_file=" + cls.apis.service_account_file(cls.keys.dir),
                            "push.fcm.url=" + cls.apis.url(),
                            "queue.poll_ms=20", "queue.retry_base_ms=200", "queue.retry_cap_ms=1000",
                            "queue.max_attempts=20", "http_client.max_attempts=1",
                            "guard.rate_limit.requests=100000000")
        cls.user = ApiUser(cls.server, "push@example.com")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.apis.stop()
        cls.keys.cleanup()

    def device(self, platform, token):
        status, _, doc = self.user.call("POST", "/v1/devices", {"platform": platform, "token": token})
        self.assertIn(status, (200, 201), doc)
        return doc["id"]

    def upload(self, name):
        status, _, doc = self.user.call("POST", "/v1/files?name=" + quote(name),
                                        sample_files.png(64, 48),
                                        {"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 202, doc)
        return doc["file"]["id"]

    def device_ids(self):
        return [d["id"] for d in self.user.call("GET", "/v1/devices")[2]["items"]]

    def test_a_ready_file_reaches_each_device_and_a_dead_one_is_forgotten(self):
        self.device("android", "android-token-1")
        self.device("ios", "ios-token-1")
        gone = self.device("web", "web-token-gone")
        self.apis.script("web-token-gone", "unregistered")
        fid = self.upload("holiday.png")
        self.assertTrue(until(lambda: self.apis.messages_to("android-token-1") and
                              self.apis.messages_to("ios-token-1"), seconds=60),
                        self.apis.refused)
        android = self.apis.messages_to("android-token-1")[0]
        self.assertEqual(android["data"], {"type": "file.ready", "id": fid})
        self.assertEqual(android["notification"]["body"], "holiday.png is ready")
        self.assertEqual(android["android"]["priority"], "high")
        self.assertIn("apns", self.apis.messages_to("ios-token-1")[0])
        self.assertTrue(until(lambda: gone not in self.device_ids(), seconds=30))
        self.assertEqual(self.apis.refused, [])
        self.assertGreaterEqual(self.apis.grants, 1)
        self.assertGreaterEqual(
            self.server.metric('push_messages_total{platform="android",outcome="sent"}'), 1)
        self.assertGreaterEqual(
            self.server.metric('push_messages_total{platform="web",outcome="unregistered"}'), 1)

    def test_a_push_written_while_fcm_is_down_is_delivered_when_it_returns(self):
        self.device("android", "android-token-outage")
        self.apis.stop()
        try:
            # The push job fails (no token endpoint, no FCM) and waits for its retry.
            failures = 'jobs_total{topic="push.send",outcome="retried"}'
            before = self.server.metric(failures)
            fid = self.upload("during-outage.png")
            self.assertTrue(until(lambda: self.server.metric(failures) > before, seconds=60))
        finally:
            self.apis.start()
        self.assertTrue(until(lambda: any(m["data"]["id"] == fid for m in
                                          self.apis.messages_to("android-token-outage")),
                              seconds=60))


if __name__ == "__main__":
    unittest.main()
