"""What people type is checked as the identifiers it becomes: emails normalised (NFC) and
compared case-folded, with look-alike characters refused; file names and tags without
control or text-direction characters; JSON bodies with a key twice refused."""
import json
import unittest

from mindme_server import ApiUser, ServerTestCase, error_code


class InputHygieneTest(ServerTestCase):
    def sign_up(self, email):
        status, _, body = self.server.request(
            "POST", "/v1/accounts", json.dumps({"email": email, "password": "correct horse"}),
            {"Content-Type": "application/json"})
        return status, body

    def test_emails_are_one_account_whatever_their_form_or_case(self):
        self.assertEqual(self.sign_up("Ren\u00e9e@Example.com")[0], 201)
        for same in ("rene\u0301e@example.com", "REN\u00c9E@EXAMPLE.COM", " renée@example.com "):
            status, body = self.sign_up(same)
            self.assertEqual((status, error_code(body)), (409, "conflict"), same)
        # And sign-in finds it in any of those forms.
        status, _, _ = self.server.request(
            "POST", "/v1/sessions",
            json.dumps({"email": "RENE\u0301E@example.COM", "password": "correct horse"}),
            {"Content-Type": "application/json"})
        self.assertEqual(status, 200)

    def test_look_alike_and_malformed_emails_are_422(self):
        for email in ("ann\u200b@example.com", "\ufeffann@example.com", "ann@exa\u202emple.com",
                      "ann\u0085@example.com", "a" * 65 + "@example.com", "ann@example..com",
                      "ann@localhost", "ann smith@example.com"):
            status, body = self.sign_up(email)
            self.assertEqual((status, error_code(body)), (422, "unprocessable"), repr(email))
            self.assertIn("email", json.loads(body)["error"]["message"])

    def test_file_names_without_dots_controls_or_direction_changes(self):
        user = ApiUser(self.server, "names@example.com")
        for name in (".", "..", "photo%E2%80%AEgnp.exe", "c1%C2%85name", "bad%FFutf8"):
            status, _, doc = user.call("POST", "/v1/files?name=" + name, b"data",
                                       {"Content-Type": "application/octet-stream"})
            self.assertEqual(status, 422, name)
            self.assertIn("name", doc["error"]["message"])
        status, _, doc = user.call("POST", "/v1/files?name=cafe%CC%81.txt", b"data",
                                   {"Content-Type": "application/octet-stream"})
        self.assertEqual((status, doc["file"]["name"]), (202, "caf\u00e9.txt"))  # NFC

    def test_tags_are_trimmed_unique_and_without_controls(self):
        user = ApiUser(self.server, "tags@example.com")
        status, _, doc = user.call("POST", "/v1/memories",
                                   {"title": "t", "tags": ["  work ", "cafe\u0301"]})
        self.assertEqual((status, doc["tags"]), (201, ["work", "caf\u00e9"]))
        for tags in (["a", " a"], ["caf\u00e9", "cafe\u0301"], ["tab\there"], ["x\u202ey"],
                     ["   "]):
            status, _, doc = user.call("POST", "/v1/memories", {"title": "t", "tags": tags})
            self.assertEqual(status, 422, tags)
            self.assertIn("tags", doc["error"]["message"])

    def test_a_json_key_twice_is_422(self):
        user = ApiUser(self.server, "dupes@example.com")
        for body in ('{"title":"a","title":"b"}', '{"title":"a","tags":[{"x":1,"x":2}]}',
                     '{"title":"a","body":"b","body":"c"}'):
            status, _, doc = user.call("POST", "/v1/memories", body)
            self.assertEqual((status, doc["error"]["code"]), (422, "unprocessable"), body)
        # Colons and quotes inside strings are not keys.
        status, _, doc = user.call("POST", "/v1/memories",
                                   '{"title":"a: \\"b\\": c","body":"{\\"k\\":1}"}')
        self.assertEqual((status, doc["title"]), (201, 'a: "b": c'))


if __name__ == "__main__":
    unittest.main()
