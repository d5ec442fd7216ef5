"""Accounts and sessions (API.md): sign up, sign in, /v1/me, the sessions list, sign out
(of one session or all), and their errors."""
import json
import unittest

from mindme_server import ApiUser, ServerTestCase, Server, error_code


class AccountsTest(ServerTestCase):

    def post(self, path, body, content_type="application/json", headers=None):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.server.request("POST", path, body=data,
                                   headers={"Content-Type": content_type, **(headers or {})})

    def sign_up(self, email, password="correct horse"):
        return self.post("/v1/accounts", {"email": email, "password": password})

    def test_sign_up_returns_the_user_and_a_working_token(self):
        status, headers, body = self.sign_up("  Zoe@Example.com ")
        self.assertEqual(status, 201, body)
        doc = json.loads(body)
        self.assertEqual(doc["user"]["email"], "Zoe@Example.com")
        self.assertRegex(doc["user"]["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertGreaterEqual(len(doc["token"]), 43)
        self.assertEqual(headers["cache-control"], "no-store")
        status, _, me = self.server.request("GET", "/v1/me",
                                            headers={"Authorization": "Bearer " + doc["token"]})
        self.assertEqual(status, 200)
        shown = json.loads(me)["user"]
        # /v1/me adds the UUID the apps hand the stores (stable: see test_purchases).
        self.assertRegex(shown.pop("app_account_token"), r"^[0-9a-f-]{36}$")
        self.assertEqual(shown, doc["user"])

    def test_emails_are_unique_case_insensitively(self):
        self.assertEqual(self.sign_up("dup@example.com")[0], 201)
        status, _, body = self.sign_up("DUP@Example.COM")
        self.assertEqual(status, 409)
        self.assertEqual(error_code(body), "conflict")

    def test_bad_input_is_422_naming_the_field(self):
        for body, field in [({"email": "not-an-email", "password": "long enough"}, "email"),
                            ({"email": "a@b.io", "password": "short"}, "password"),
                            ({"email": "a@b.io", "password": "x" * 257}, "password"),
                            ({"email": "a@b.io", "password": "long\u0000enough"}, "password"),
                            ({"email": 5, "password": "long enough"}, "email"),
                            ({"email": "a@b.io"}, "password")]:
            status, _, answer = self.post("/v1/accounts", body)
            self.assertEqual(status, 422, body)
            self.assertEqual(error_code(answer), "unprocessable")
            self.assertIn(field, json.loads(answer)["error"]["message"])
        status, _, answer = self.post("/v1/accounts", "{not json")
        self.assertEqual(status, 400)
        status, _, answer = self.post("/v1/accounts", {"email": "a@b.io"}, content_type="text/plain")
        self.assertEqual(status, 415)
        self.assertEqual(error_code(answer), "unsupported_media_type")

    def test_sign_in_and_wrong_credentials(self):
        self.sign_up("sam@example.com", "s3cret password")
        status, _, body = self.post("/v1/sessions",
                                    {"email": " SAM@example.com", "password": "s3cret password"})
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["user"]["email"], "sam@example.com")
        for creds in [{"email": "sam@example.com", "password": "wrong password"},
                      {"email": "nobody@example.com", "password": "s3cret password"}]:
            status, headers, body = self.post("/v1/sessions", creds)
            self.assertEqual(status, 401)
            self.assertEqual(error_code(body), "unauthorized")

    def test_sign_out_revokes_only_that_token(self):
        _, _, body = self.sign_up("kim@example.com")
        first = json.loads(body)["token"]
        _, _, body = self.post("/v1/sessions", {"email": "kim@example.com",
                                                "password": "correct horse"})
        second = json.loads(body)["token"]
        status, _, _ = self.server.request("DELETE", "/v1/sessions/current",
                                           headers={"Authorization": "Bearer " + first})
        self.assertEqual(status, 204)
        status, _, body = self.server.request("GET", "/v1/me",
                                              headers={"Authorization": "Bearer " + first})
        self.assertEqual(status, 401)
        status, _, _ = self.server.request("GET", "/v1/me",
                                           headers={"Authorization": "Bearer " + second})
        self.assertEqual(status, 200)

    def test_a_user_lists_their_sessions_and_signs_out_everywhere(self):
        user = ApiUser(self.server, "sessions@example.com")
        _, _, body = self.post("/v1/sessions", {"email": user.email, "password": "correct horse"})
        second = json.loads(body)["token"]
        status, headers, doc = user.call("GET", "/v1/sessions")
        self.assertEqual(status, 200)
        self.assertEqual(headers["cache-control"], "no-store")
        sessions = doc["sessions"]
        self.assertEqual(len(sessions), 2)
        self.assertEqual([s["current"] for s in sessions], [False, True])  # newest first
        self.assertTrue(all(len(s["id"]) == 16 and s["id"] not in (user.token, second)
                            for s in sessions))
        self.assertLess(sessions[0]["created_at"], sessions[0]["expires_at"])
        # Another user's list does not show them.
        other = ApiUser(self.server, "sessions-other@example.com")
        self.assertEqual(len(other.call("GET", "/v1/sessions")[2]["sessions"]), 1)
        self.assertEqual(user.call("DELETE", "/v1/sessions")[0], 204)
        for token in (user.token, second):
            status, _, _ = self.server.request("GET", "/v1/me",
                                               headers={"Authorization": "Bearer " + token})
            self.assertEqual(status, 401)
        self.assertEqual(other.call("GET", "/v1/me")[0], 200)

    def test_missing_or_bogus_tokens_are_401(self):
        for headers in [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"},
                        {"Authorization": "Bearer not-a-token"}]:
            status, answer_headers, body = self.server.request("GET", "/v1/me", headers=headers)
            self.assertEqual(status, 401, headers)
            self.assertEqual(answer_headers["www-authenticate"], "Bearer")
            self.assertEqual(error_code(body), "unauthorized")
        status, _, _ = self.server.request("DELETE", "/v1/sessions/current")
        self.assertEqual(status, 401)

    def test_openapi_documents_the_account_routes(self):
        _, _, body = self.server.request("GET", "/openapi.json")
        paths = json.loads(body)["paths"]
        self.assertIn("post", paths["/v1/accounts"])
        self.assertIn("post", paths["/v1/sessions"])
        self.assertIn("delete", paths["/v1/sessions/current"])
        self.assertIn("get", paths["/v1/me"])


if __name__ == "__main__":
    unittest.main()
