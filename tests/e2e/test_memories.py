"""Memories (API.md): create, read with ETag, list newest first with cursors, replace
with If-Match, delete; every validation rule; isolation between users; the cache
never serves a changed, deleted or revoked thing."""
import json
import os
import unittest

from mindme_server import ApiUser, ServerTestCase, error_code


class MemoriesTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ann = ApiUser(cls.server, "ann@example.com")
        cls.bob = ApiUser(cls.server, "bob@example.com")

    def assert_error(self, answer, status, code):
        self.assertEqual(answer[0], status, answer[2])
        self.assertEqual(error_code(json.dumps(answer[2])), code)

    def test_create_then_read_by_location(self):
        status, headers, doc = self.ann.call(
            "POST", "/v1/memories", {"title": "Trip", "body": "Lisbon\nin May", "tags": ["travel"]})
        self.assertEqual(status, 201)
        self.assertEqual(set(doc), {"id", "title", "body", "tags", "created_at", "updated_at",
                                    "version"})
        self.assertEqual((doc["title"], doc["body"], doc["tags"], doc["version"]),
                         ("Trip", "Lisbon\nin May", ["travel"], 1))
        self.assertEqual(doc["created_at"], doc["updated_at"])
        self.assertRegex(doc["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertRegex(doc["id"], r"^[A-Za-z0-9_-]{16,}$")
        self.assertEqual(headers["location"], "/v1/memories/" + doc["id"])
        self.assertEqual(headers["etag"], '"1"')
        status, headers, again = self.ann.call("GET", headers["location"])
        self.assertEqual(status, 200)
        self.assertEqual(again, doc)
        self.assertEqual(headers["etag"], '"1"')

    def test_defaults_and_exact_text(self):
        doc = self.ann.create(title="", body="nul \u0000 quote \" emoji \U0001F600")
        _, _, again = self.ann.call("GET", "/v1/memories/" + doc["id"])
        self.assertEqual(again["body"], "nul \u0000 quote \" emoji \U0001F600")
        _, _, bare = self.ann.call("POST", "/v1/memories", {"title": "only a title"})
        self.assertEqual((bare["body"], bare["tags"]), ("", []))

    def test_limits_are_inclusive(self):
        tags = ["✓" * 38 + str(10 + i) for i in range(20)]  # 20 different, 40 characters each
        doc = self.ann.create(title="é" * 200, body="b" * 65536, tags=tags)
        self.assertEqual(len(doc["title"]), 200)
        self.assertEqual(len(doc["body"]), 65536)
        self.assertEqual(len(doc["tags"]), 20)

    def test_every_rule_is_422_naming_its_field(self):
        cases = [({}, "title"), ({"title": 5}, "title"), ({"title": "t" * 201}, "title"),
                 ({"title": "t", "body": 7}, "body"), ({"title": "t", "body": "b" * 65537}, "body"),
                 ({"title": "t", "tags": "x"}, "tags"), ({"title": "t", "tags": [1]}, "tags"),
                 ({"title": "t", "tags": [""]}, "tags"), ({"title": "t", "tags": ["x" * 41]}, "tags"),
                 ({"title": "t", "tags": ["x"] * 21}, "tags")]
        existing = self.ann.create()
        for body, field in cases:
            for method, path in [("POST", "/v1/memories"),
                                 ("PUT", "/v1/memories/" + existing["id"])]:
                answer = self.ann.call(method, path, body)
                self.assert_error(answer, 422, "unprocessable")
                self.assertIn(field, answer[2]["error"]["message"], (method, body))
        self.assert_error(self.ann.call("POST", "/v1/memories", "{broken"), 400, "bad_request")
        self.assert_error(self.ann.call("POST", "/v1/memories", "[1]"), 400, "bad_request")
        self.assert_error(self.ann.call("POST", "/v1/memories", "{}", {"Content-Type": "text/plain"}),
                          415, "unsupported_media_type")
        too_big = json.dumps({"title": "t", "body": "b" * (2 << 20)})
        self.assert_error(self.ann.call("POST", "/v1/memories", too_big), 413, "payload_too_large")
        # Nothing was written by any refused request.
        _, _, after = self.ann.call("GET", "/v1/memories/" + existing["id"])
        self.assertEqual(after, existing)

    def test_replace_grows_the_version_and_honours_if_match(self):
        doc = self.ann.create(title="v1", body="first", tags=["a"])
        path = "/v1/memories/" + doc["id"]
        self.ann.call("GET", path)  # now cached
        status, headers, v2 = self.ann.call("PUT", path, {"title": "v2", "tags": ["b"]},
                                            {"If-Match": '"1"'})
        self.assertEqual(status, 200)
        self.assertEqual((v2["title"], v2["body"], v2["tags"], v2["version"]), ("v2", "", ["b"], 2))
        self.assertEqual(v2["created_at"], doc["created_at"])
        self.assertGreaterEqual(v2["updated_at"], doc["updated_at"])
        self.assertEqual(headers["etag"], '"2"')
        self.assert_error(self.ann.call("PUT", path, {"title": "stale"}, {"If-Match": '"1"'}),
                          412, "precondition_failed")
        self.assert_error(self.ann.call("PUT", path, {"title": "junk"}, {"If-Match": "2"}),
                          412, "precondition_failed")
        status, headers, read = self.ann.call("GET", path)
        self.assertEqual((read["title"], headers["etag"]), ("v2", '"2"'))
        self.assertEqual(self.ann.call("PUT", path, {"title": "v3"}, {"If-Match": '"1", "2"'})[0], 200)
        self.assertEqual(self.ann.call("PUT", path, {"title": "v4"}, {"If-Match": "*"})[0], 200)
        _, _, v5 = self.ann.call("PUT", path, {"title": "v5"})
        self.assertEqual(v5["version"], 5)
        self.assertEqual(self.ann.call("GET", path)[2], v5)

    def test_if_none_match_answers_304_while_current(self):
        doc = self.ann.create()
        path = "/v1/memories/" + doc["id"]
        status, headers, body = self.ann.call("GET", path, headers={"If-None-Match": '"1"'})
        self.assertEqual((status, headers["etag"], body), (304, '"1"', None))
        self.ann.call("PUT", path, {"title": "changed"})
        self.assertEqual(self.ann.call("GET", path, headers={"If-None-Match": '"1"'})[0], 200)

    def test_delete_then_everything_is_404(self):
        doc = self.ann.create()
        path = "/v1/memories/" + doc["id"]
        self.ann.call("GET", path)  # cached before the delete
        self.assert_error(self.ann.call("DELETE", path, headers={"If-Match": '"9"'}),
                          412, "precondition_failed")
        status, _, body = self.ann.call("DELETE", path)
        self.assertEqual((status, body), (204, None))
        for method, body in [("GET", None), ("PUT", {"title": "back"}), ("DELETE", None)]:
            self.assert_error(self.ann.call(method, path, body), 404, "not_found")
        self.assert_error(self.ann.call("GET", "/v1/memories/never-was"), 404, "not_found")

    def test_another_users_memory_is_404_for_every_verb(self):
        doc = self.ann.create(title="private")
        path = "/v1/memories/" + doc["id"]
        for method, body, headers in [("GET", None, None), ("PUT", {"title": "mine"}, None),
                                      ("PUT", {"title": "mine"}, {"If-Match": '"1"'}),
                                      ("DELETE", None, None), ("DELETE", None, {"If-Match": "*"})]:
            self.assert_error(self.bob.call(method, path, body, headers), 404, "not_found")
        self.assertEqual(self.ann.call("GET", path)[2], doc)
        _, _, page = self.bob.call("GET", "/v1/memories?limit=200")
        self.assertNotIn(doc["id"], [m["id"] for m in page["items"]])

    def test_every_route_needs_a_token(self):
        doc = self.ann.create()
        for method, path in [("POST", "/v1/memories"), ("GET", "/v1/memories"),
                             ("GET", "/v1/memories/" + doc["id"]),
                             ("PUT", "/v1/memories/" + doc["id"]),
                             ("DELETE", "/v1/memories/" + doc["id"]), ("GET", "/v1/sync")]:
            status, headers, body = self.server.request(method, path, body="{}",
                                                        headers={"Content-Type": "application/json"})
            self.assertEqual(status, 401, path)
            self.assertEqual(error_code(body), "unauthorized")

    def test_a_revoked_token_is_refused_though_it_was_cached(self):
        user = ApiUser(self.server, "revoked@example.com")
        doc = user.create()
        self.assertEqual(user.call("GET", "/v1/memories/" + doc["id"])[0], 200)
        self.assertEqual(user.call("DELETE", "/v1/sessions/current")[0], 204)
        self.assert_error(user.call("GET", "/v1/memories/" + doc["id"]), 401, "unauthorized")
        self.assert_error(user.call("GET", "/v1/me"), 401, "unauthorized")

    def test_metrics_count_cache_hits(self):
        doc = self.ann.create()
        for _ in range(3):
            self.ann.call("GET", "/v1/memories/" + doc["id"])
        _, _, body = self.server.request("GET", "/metrics")
        text = body.decode()
        backend = os.environ.get("MINDME_E2E_CACHE", "memory")
        for family in ["cache_hits_total", "cache_misses_total", "cache_evictions_total",
                       "cache_entries", "cache_bytes"]:
            self.assertIn(family + '{backend="%s"}' % backend, text)

    def test_openapi_documents_every_route(self):
        _, _, body = self.server.request("GET", "/openapi.json")
        paths = json.loads(body)["paths"]
        self.assertEqual(set(paths["/v1/memories"]), {"get", "post"})
        self.assertEqual(set(paths["/v1/memories/{id}"]), {"get", "put", "delete"})
        self.assertIn("get", paths["/v1/sync"])
        self.assertIn("412", paths["/v1/memories/{id}"]["put"]["responses"])


class MemoryListTest(ServerTestCase):
    """Paging, in a server of its own so that the counts are exact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = ApiUser(cls.server, "lister@example.com")
        cls.created = [cls.user.create(title="m%02d" % i) for i in range(55)]

    def test_newest_first_over_pages_without_gaps_or_repeats(self):
        # Edit one: it moves to the front.
        edited = self.created[3]
        self.user.call("PUT", "/v1/memories/" + edited["id"], {"title": "edited"})
        seen, cursor = [], None
        for _ in range(40):
            path = "/v1/memories?limit=2" + ("&cursor=" + cursor if cursor else "")
            status, _, page = self.user.call("GET", path)
            self.assertEqual(status, 200, page)
            self.assertLessEqual(len(page["items"]), 2)
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        self.assertEqual(len(seen), 55)
        self.assertEqual(len({m["id"] for m in seen}), 55)
        self.assertEqual(seen[0]["id"], edited["id"])
        stamps = [(m["updated_at"], m["id"]) for m in seen]
        self.assertEqual(stamps, sorted(stamps, reverse=True))

    def test_default_and_maximum_page_sizes(self):
        _, _, page = self.user.call("GET", "/v1/memories")
        self.assertEqual(len(page["items"]), 50)
        self.assertIsNotNone(page["next_cursor"])
        _, _, page = self.user.call("GET", "/v1/memories?limit=200")
        self.assertEqual((len(page["items"]), page["next_cursor"]), (55, None))

    def test_bad_limits_and_cursors(self):
        for limit in ["0", "201", "-1", "abc", ""]:
            answer = self.user.call("GET", "/v1/memories?limit=" + limit)
            self.assertEqual(answer[0], 422, limit)
            self.assertIn("limit", answer[2]["error"]["message"])
        for cursor in ["garbage", "%zz", "bm90IGEgY3Vyc29y"]:
            answer = self.user.call("GET", "/v1/memories?cursor=" + cursor)
            self.assertEqual(answer[0], 400, cursor)
            self.assertEqual(answer[2]["error"]["code"], "bad_request")


if __name__ == "__main__":
    unittest.main()
