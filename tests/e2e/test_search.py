"""Search (API.md): the caller's documents only, best first, snippets with the match;
memory changes reach the index through the job queue (created, edited, deleted)."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
from urllib.parse import quote

from mindme_server import (BIN, E2E_STORE, ApiUser, Server, ServerTestCase, backend_sets,
                           data_name, error_code, jobs_target, service_url, until)


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


class ReindexTest(unittest.TestCase):
    """The index is lost (deleted here; restored from an old backup, or its jobs dropped,
    elsewhere): `mindme reindex` brings it back to every acknowledged write."""

    def test_reindex_restores_a_lost_index(self):
        data = tempfile.mkdtemp(prefix="mindme-reindex-")
        try:
            with Server("queue.poll_ms=20", data=data) as server:
                user = ApiUser(server, "reindex@example.com")
                for i in range(5):
                    user.create(title="lantern %d" % i)
                self.assertTrue(until(lambda: len(hits(user, "lantern")) == 5, 20))
            lose_index(data)
            with Server("queue.poll_ms=20", data=data) as server:
                user.server = server
                self.assertEqual(hits(user, "lantern"), [])
                sets = [a for s in backend_sets(data) for a in ("--set", s)]
                out = subprocess.run([BIN, "reindex", "--data", data, *sets],
                                     capture_output=True, text=True, timeout=60)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertIn("5 memories", out.stdout)
                self.assertTrue(until(lambda: len(hits(user, "lantern")) == 5, 20))
        finally:
            shutil.rmtree(data, ignore_errors=True)


def lose_index(data):
    """Deletes the index of the servers on `data`: Xapian's directory, or the rows of the
    PostgreSQL full-text index in the store's schema."""
    if E2E_STORE != "postgresql":
        shutil.rmtree(os.path.join(data, "search"))
        return
    subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", service_url("postgres"), "-c",
                    "DELETE FROM %s.search_documents" % data_name(data)],
                   check=True, stdout=subprocess.DEVNULL, timeout=30)


def hits(user, q):
    status, _, doc = user.call("GET", "/v1/search?q=" + quote(q))
    assert status == 200, doc
    return doc["hits"]


if __name__ == "__main__":
    unittest.main()
