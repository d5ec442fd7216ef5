"""Search (API.md): the caller's documents only, best first, snippets with the match;
memory changes reach the index through the job queue (created, edited, deleted)."""
import json
import unittest
from urllib.parse import quote

from mindme_server import ApiUser, ServerTestCase, error_code, jobs_target, until


class SearchTest(ServerTestCase):
    # Quick polling so that the test follows the index closely.
    server_sets = ("queue.poll_ms=20",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ann = ApiUser(cls.server, "search-ann@example.com")
        cls.bob = ApiUser(cls.server, "search-bob@example.com")

    def hits(self, user, q, **params):
        query = "q=" + quote(q) + "".join("&%s=%s" % kv for kv in params.items())
        status, headers, doc = user.call("GET", "/v1/search?" + query)
        self.assertEqual(status, 200, doc)
        self.assertEqual(set(doc), {"hits"})
        return doc["hits"]

    def ids_for(self, user, q):
        return [h["id"] for h in self.hits(user, q)]

    def test_a_memory_becomes_searchable_then_follows_edits_and_deletion(self):
        doc = self.ann.create(title="Trip to Lisbon", body="We climbed to the castle.",
                              tags=["travel"])
        self.assertTrue(until(lambda: self.ids_for(self.ann, "castle") == [doc["id"]]))
        hit = self.hits(self.ann, "castle")[0]
        self.assertEqual((hit["kind"], hit["title"]), ("memory", "Trip to Lisbon"))
        self.assertIn("<mark>castle</mark>", hit["snippet"])
        self.assertGreater(hit["score"], 0)
        self.assertEqual(self.ids_for(self.ann, "travel"), [doc["id"]])  # tags are indexed
        self.ann.call("PUT", "/v1/memories/" + doc["id"], {"title": "Trip to Porto",
                                                           "body": "Port wine cellars."})
        self.assertTrue(until(lambda: self.ids_for(self.ann, "cellars") == [doc["id"]]))
        self.assertEqual(self.ids_for(self.ann, "castle"), [])
        self.ann.call("DELETE", "/v1/memories/" + doc["id"])
        self.assertTrue(until(lambda: self.ids_for(self.ann, "cellars") == []))

    def test_only_the_callers_documents_and_best_first(self):
        weak = self.bob.create(title="Groceries", body="milk, bread and one coffee")
        strong = self.bob.create(title="Coffee", body="coffee beans and coffee filters")
        self.assertTrue(until(lambda: len(self.ids_for(self.bob, "coffee")) == 2))
        self.assertEqual(self.ids_for(self.bob, "coffee"), [strong["id"], weak["id"]])
        self.assertEqual(self.ids_for(self.ann, "coffee"), [])
        self.assertEqual(len(self.hits(self.bob, "coffee", limit=1)), 1)

    def test_snippets_escape_the_text(self):
        doc = self.ann.create(title="Markup", body="a <b>bold</b> claim about zebras")
        self.assertTrue(until(lambda: self.ids_for(self.ann, "zebras") == [doc["id"]]))
        snippet = self.hits(self.ann, "zebras")[0]["snippet"]
        self.assertNotIn("<b>", snippet)
        self.assertIn("&lt;b&gt;", snippet)

    def test_bad_queries(self):
        for query in ["", "q=", "q=%20%20", "q=" + "x" * 501, "q=a&limit=0", "q=a&limit=101",
                      "q=a&limit=x"]:
            status, _, doc = self.ann.call("GET", "/v1/search?" + query)
            self.assertEqual(status, 422, query)
            self.assertEqual(doc["error"]["code"], "unprocessable")
        for odd in ["AND (", '"unclosed', "NOT", "***", "日本語"]:
            self.assertEqual(self.ann.call("GET", "/v1/search?q=" + quote(odd))[0], 200, odd)
        status, _, body = self.server.request("GET", "/v1/search?q=x")
        self.assertEqual((status, error_code(body)), (401, "unauthorized"))

    def test_openapi_and_metrics(self):
        _, _, body = self.server.request("GET", "/openapi.json")
        self.assertIn("get", json.loads(body)["paths"]["/v1/search"])
        self.ann.create(title="metrics")
        jobs = jobs_target(self.server)
        text = lambda: jobs.request("GET", "/metrics")[2].decode()
        self.assertTrue(until(lambda: 'jobs_total{topic="memory.changed",outcome="done"}' in text()))
        self.assertIn('queue_depth{topic="memory.changed",state="ready"}', text())


if __name__ == "__main__":
    unittest.main()
