"""The background worker as a process of its own: `mindme serve` writes, `mindme worker`
(same data directory) runs the jobs; a stopped worker hands its jobs back; a worker
killed again and again loses no job and leaves the index exact."""
import os
import random
import sqlite3
import tempfile
import shutil
import unittest
from urllib.parse import quote

import sample_files
from mindme_server import ApiUser, Server, until

# Quick polling and retries, so that the test follows the jobs closely; enough
# attempts that a worker killed while holding the index's lock cannot exhaust them.
WORKER_SETS = ("queue.poll_ms=20", "queue.retry_base_ms=50", "queue.retry_cap_ms=1000",
               "queue.max_attempts=30", "queue.visibility_seconds=2")


def pending_jobs(data):
    """Jobs in the queue, by state, read from the database itself."""
    with sqlite3.connect(os.path.join(data, "mindme.db"), timeout=30) as db:
        return dict(db.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall())


class SeparateProcessesTest(unittest.TestCase):

    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="mindme-shared-")
        self.api = Server(command="serve", data=self.data)
        self.worker = None

    def tearDown(self):
        if self.worker:
            self.worker.stop()
        self.api.stop()
        shutil.rmtree(self.data, ignore_errors=True)

    def search_ids(self, user, q):
        _, _, doc = user.call("GET", "/v1/search?q=" + quote(q))
        return [h["id"] for h in doc["hits"]]

    def test_jobs_wait_for_a_worker_then_run_there(self):
        user = ApiUser(self.api, "split@example.com")
        doc = user.create(title="Kept for later", body="aardvark")
        # No worker yet: the job waits in the queue, the memory is not searchable.
        self.assertEqual(pending_jobs(self.data), {"ready": 1})
        self.assertEqual(self.search_ids(user, "aardvark"), [])
        self.worker = Server(*WORKER_SETS, command="worker", data=self.data)
        self.assertTrue(until(lambda: self.search_ids(user, "aardvark") == [doc["id"]]))
        self.assertTrue(until(lambda: pending_jobs(self.data) == {}))
        # The worker serves only the operations routes.
        self.assertEqual(self.worker.request("GET", "/v1/search?q=x")[0], 404)
        self.assertEqual(self.worker.request("GET", "/health")[0], 200)

    def test_a_worker_killed_again_and_again_loses_nothing(self):
        user = ApiUser(self.api, "crashy@example.com")
        total = 2000
        conn = self.api.connection()
        ids = [user.create(title="memory %d" % i, body="tok%05d" % i, conn=conn)["id"]
               for i in range(total)]
        conn.close()
        rng = random.Random(7)
        killed_with_work_left = 0
        for kill in range(10):
            worker = Server(*WORKER_SETS, command="worker", data=self.data)
            # Kill it in the middle of the work: after it has done some jobs.
            target = rng.randint(20, 120)
            done = lambda: worker.metric('jobs_total{topic="memory.changed",outcome="done"}')
            until(lambda: done() >= target or pending_jobs(self.data) == {}, seconds=60)
            killed_with_work_left += pending_jobs(self.data) != {}
            worker.kill()
        self.assertGreaterEqual(killed_with_work_left, 8)
        self.worker = Server(*WORKER_SETS, command="worker", data=self.data)
        self.assertTrue(until(lambda: pending_jobs(self.data) == {}, seconds=120),
                        pending_jobs(self.data))
        # Every memory is in the index exactly once: its own token (fixed width, so no
        # token is a prefix of another) finds it alone.
        missing = [i for i in range(total)
                   if self.search_ids(user, "tok%05d" % i) != [ids[i]]]
        self.assertEqual(missing, [])


class FilesProcessKillTest(unittest.TestCase):
    """`mindme files` killed again and again while it processes uploads: every file ends
    processed exactly once (one `file.ready` in the change log each)."""

    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="mindme-shared-")
        self.api = Server("guard.rate_limit.requests=100000000", "quota.user_uploads_per_minute=0",
                          command="serve", data=self.data)
        self.files = None

    def tearDown(self):
        if self.files:
            self.files.stop()
        self.api.stop()
        shutil.rmtree(self.data, ignore_errors=True)

    def test_a_files_process_killed_again_and_again_loses_nothing(self):
        user = ApiUser(self.api, "uploads@example.com")
        total = 300
        conn = self.api.connection()
        ids = []
        for i in range(total):
            data = sample_files.png(40 + i % 7, 30) if i % 2 else b"text number %d\n" % i
            name = ("image%d.png" if i % 2 else "note%d.txt") % i
            status, _, doc = user.call("POST", "/v1/files?name=" + name, data,
                                       {"Content-Type": "application/octet-stream"}, conn=conn)
            self.assertEqual(status, 202)
            ids.append(doc["file"]["id"])
        conn.close()
        rng = random.Random(11)
        killed_with_work_left = 0
        for kill in range(10):
            files = Server(*WORKER_SETS, command="files", data=self.data)
            target = rng.randint(3, 15)
            done = lambda: files.metric('jobs_total{topic="file.process",outcome="done"}')
            until(lambda: done() >= target or "file.process" not in pending_topics(self.data),
                  seconds=60)
            killed_with_work_left += "file.process" in pending_topics(self.data)
            files.kill()
        self.assertGreaterEqual(killed_with_work_left, 8)
        self.files = Server(*WORKER_SETS, command="files", data=self.data)
        self.assertTrue(until(lambda: "file.process" not in pending_topics(self.data),
                              seconds=300))
        with sqlite3.connect(os.path.join(self.data, "mindme.db"), timeout=30) as db:
            statuses = dict(db.execute("SELECT status, COUNT(*) FROM files GROUP BY status"))
            announced = db.execute("SELECT entity_id, COUNT(*) FROM changes "
                                   "WHERE kind = 'file.ready' GROUP BY entity_id").fetchall()
            thumbnails = db.execute("SELECT COUNT(*) FROM files WHERE thumbnail = 1").fetchone()[0]
        self.assertEqual(statuses, {"ready": total})
        self.assertEqual(sorted(entity for entity, _ in announced), sorted(ids))
        self.assertEqual({count for _, count in announced}, {1})  # no effect twice
        self.assertEqual(thumbnails, total // 2)


def pending_topics(data):
    """Topics with jobs still in the queue (any state)."""
    with sqlite3.connect(os.path.join(data, "mindme.db"), timeout=30) as db:
        return {topic for (topic,) in db.execute("SELECT DISTINCT topic FROM jobs")}


if __name__ == "__main__":
    unittest.main()
