"""Per-user quotas: memories, files and stored bytes answer 507 insufficient_storage past
their quota (naming it) and leave no trace; GET /v1/me shows usage and quotas; uploads
per minute are limited per user."""
import unittest

from mindme_server import ApiUser, ServerTestCase


class QuotaTest(ServerTestCase):
    server_sets = ("quota.user_memories=3", "quota.user_files=2", "quota.user_bytes=1000",
                   "quota.user_uploads_per_minute=4")

    def upload(self, user, name, size):
        return user.call("POST", "/v1/files?name=" + name, b"x" * size,
                         {"Content-Type": "application/octet-stream"})

    def test_memories_past_the_quota_are_507_and_a_delete_makes_room(self):
        user = ApiUser(self.server, "quota-memories@example.com")
        ids = [user.create(title="m%d" % i)["id"] for i in range(3)]
        status, _, doc = user.call("POST", "/v1/memories", {"title": "one too many"})
        self.assertEqual((status, doc["error"]["code"]), (507, "insufficient_storage"))
        self.assertIn("quota.user_memories", doc["error"]["message"])
        _, _, page = user.call("GET", "/v1/memories")
        self.assertEqual(len(page["items"]), 3)  # nothing was written
        status, _, me = user.call("GET", "/v1/me")
        self.assertEqual(me["usage"], {"memories": 3, "files": 0, "file_bytes": 0})
        self.assertEqual(me["quota"], {"memories": 3, "files": 2, "file_bytes": 1000})
        self.assertEqual(user.call("DELETE", "/v1/memories/" + ids[0])[0], 204)
        self.assertEqual(user.call("POST", "/v1/memories", {"title": "room again"})[0], 201)

    def test_files_past_their_count_or_bytes_are_507(self):
        user = ApiUser(self.server, "quota-files@example.com")
        self.assertEqual(self.upload(user, "a.bin", 600)[0], 202)
        status, _, doc = self.upload(user, "b.bin", 401)
        self.assertEqual((status, doc["error"]["code"]), (507, "insufficient_storage"))
        self.assertIn("quota.user_bytes", doc["error"]["message"])
        self.assertEqual(self.upload(user, "b.bin", 400)[0], 202)
        status, _, doc = self.upload(user, "c.bin", 1)
        self.assertIn("quota.user_files", doc["error"]["message"])
        _, _, listing = user.call("GET", "/v1/files")
        self.assertEqual(len(listing["items"]), 2)
        self.assertEqual(user.call("GET", "/v1/me")[2]["usage"]["file_bytes"], 1000)

    def test_uploads_per_minute_are_limited_per_user(self):
        user = ApiUser(self.server, "quota-rate@example.com")
        other = ApiUser(self.server, "quota-rate-other@example.com")
        statuses = [self.upload(user, "r%d.bin" % i, 1)[0] for i in range(5)]
        self.assertEqual(statuses[:2], [202, 202])  # then the file quota (2) answers 507
        status, headers, doc = self.upload(user, "r.bin", 1)
        self.assertEqual((status, doc["error"]["code"]), (429, "rate_limited"))
        self.assertIn("retry-after", headers)
        self.assertEqual(self.upload(other, "o.bin", 1)[0], 202)  # per user


if __name__ == "__main__":
    unittest.main()
