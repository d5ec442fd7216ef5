"""The store's databases fail under a steady load: no acknowledged write is lost, errors
come only while the primary is down (none at all for a replica), and the server
recovers by itself once they are back. The databases are a private PostgreSQL primary
and streaming replica started by scripts/services/postgres.sh."""
import http.client
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from mindme_server import ApiUser, Server, until

SERVICES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scripts/services")
RECOVERY_SECONDS = 5


def service(name, *args, env=None):
    out = subprocess.run([os.path.join(SERVICES, name + ".sh"), *args], check=True,
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "MINDME_SERVICES_FAST": "1", **(env or {})})
    return out.stdout.strip()


def private_service(cls, name, env=None):
    """Starts a private `name` server (scripts/services/<name>.sh) for a fault test class,
    in a temporary directory of the class's own (cls.tmp); returns its directory and URL."""
    cls.tmp = tempfile.mkdtemp(prefix="mindme-%s-faults-" % name)
    path = os.path.join(cls.tmp, name)
    return path, service(name, "start", path, env=env).splitlines()[-1]


def tear_down(cls, *services):
    """Stops a fault test class's server, then destroys its services ((script, dir)
    pairs, in order) and its temporary directory, each even if one before fails."""
    try:
        cls.server.stop()
    finally:
        try:
            for name, path in services:
                service(name, "destroy", path)
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)


class SteadyWriter:
    """Creates memories one after another on one keep-alive connection until stopped
    (bounded: 60 s, 20,000 writes); records what was acknowledged and what failed."""

    def __init__(self, server, user):
        self.server, self.user = server, user
        self.acked, self.failures = [], []  # ids; (monotonic time, status or error)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        conn = self.server.connection()
        deadline = time.monotonic() + 60
        for i in range(20000):
            if self._stop.is_set() or time.monotonic() > deadline:
                break
            try:
                status, _, doc = self.user.call("POST", "/v1/memories", {"title": "w%d" % i},
                                                conn=conn)
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                conn = self.server.connection()
                status, doc = repr(e), None
            if status == 201:
                self.acked.append(doc["id"])
            else:
                self.failures.append((time.monotonic(), status))
        conn.close()

    def stop(self):
        self._stop.set()
        self._thread.join(70)


def listed_ids(user):
    """Every memory id the user's list shows, page after page (bounded)."""
    ids, cursor = set(), None
    for _ in range(1000):
        path = "/v1/memories?limit=200" + ("&cursor=" + cursor if cursor else "")
        status, _, page = user.call("GET", path)
        assert status == 200, page
        ids.update(m["id"] for m in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return ids
    raise AssertionError("too many pages")


class SteadyReader:
    """Lists a user's memories one request after another until stopped (bounded like
    SteadyWriter); records the failures."""

    def __init__(self, user):
        self.user, self.reads, self.failures = user, 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        deadline = time.monotonic() + 60
        for _ in range(50000):
            if self._stop.is_set() or time.monotonic() > deadline:
                break
            status, _, doc = self.user.call("GET", "/v1/memories?limit=5")
            if status == 200:
                self.reads += 1
            else:
                self.failures.append((status, doc))

    def stop(self):
        self._stop.set()
        self._thread.join(70)


class PostgresFaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mindme-faults-")
        os.chmod(cls.tmp, 0o755)  # the postgres user keeps its data below
        cls.pg = os.path.join(cls.tmp, "pg")
        cls.replica = os.path.join(cls.tmp, "replica")
        url = service("postgres", "start", cls.pg).splitlines()[-1]
        cls.replica_url = service("postgres", "replica", cls.replica, cls.pg).splitlines()[-1]
        cls.server = Server("store.url=" + url, "store.pool.size=4", "store.pool.max_overflow=4",
                            "store.replicas=" + cls.replica_url,
                            "store.max_replica_lag_seconds=1", command="all")

    @classmethod
    def tearDownClass(cls):
        tear_down(cls, ("postgres", cls.replica), ("postgres", cls.pg))

    def replica_metric(self, name):
        return self.server.metric(name + '{replica="0"}')

    def replica_reads(self):
        return self.server.metric('store_reads_total{target="replica",replica="0"}')

    def primary_reads(self):
        return self.server.metric('store_reads_total{target="primary"}')

    def test_a_crashed_replica_costs_no_errors_and_serves_again_when_back(self):
        writer = SteadyWriter(self.server, ApiUser(self.server, "w1@example.com"))
        reader = SteadyReader(ApiUser(self.server, "r1@example.com"))
        try:
            self.assertTrue(until(lambda: self.replica_reads() >= 20, 30), "no replica reads")
            service("postgres", "kill", self.replica)
            self.assertTrue(until(lambda: self.replica_metric("store_replica_up") == 0, 10))
            reads_while_down = reader.reads
            self.assertTrue(until(lambda: reader.reads >= reads_while_down + 50, 30))
            service("postgres", "start", self.replica)
            back = self.replica_reads()
            self.assertTrue(until(lambda: self.replica_reads() > back + 20, RECOVERY_SECONDS + 2),
                            "reads did not return to the replica")
        finally:
            reader.stop()
            writer.stop()
        self.assertEqual(reader.failures, [])
        self.assertEqual(writer.failures, [])

    def test_a_lagging_replica_gets_no_reads_until_it_catches_up(self):
        writer = SteadyWriter(self.server, ApiUser(self.server, "w2@example.com"))
        reader = SteadyReader(ApiUser(self.server, "r2@example.com"))
        psql = ["psql", "-qAt", "-v", "ON_ERROR_STOP=1", self.replica_url, "-c"]
        try:
            self.assertTrue(until(lambda: self.replica_metric("store_replica_up") == 1, 10))
            subprocess.run(psql + ["SELECT pg_wal_replay_pause()"], check=True, timeout=30,
                           stdout=subprocess.DEVNULL)
            # More than 1 s behind while the writer goes on: out of the rotation.
            self.assertTrue(until(lambda: self.replica_metric("store_replica_up") == 0, 10))
            self.assertGreater(self.replica_metric("store_replica_lag_seconds"), 1)
            primary = self.primary_reads()
            self.assertTrue(until(lambda: self.primary_reads() >= primary + 20, 10),
                            "reads did not move to the primary")
            subprocess.run(psql + ["SELECT pg_wal_replay_resume()"], check=True, timeout=30,
                           stdout=subprocess.DEVNULL)
            self.assertTrue(until(lambda: self.replica_metric("store_replica_up") == 1, 10))
        finally:
            subprocess.run(psql + ["SELECT pg_wal_replay_resume()"], timeout=30,
                           stdout=subprocess.DEVNULL)
            reader.stop()
            writer.stop()
        self.assertEqual(reader.failures, [])
        self.assertEqual(writer.failures, [])

    def test_a_restart_loses_no_acknowledged_write_and_recovers(self):
        user = ApiUser(self.server, "writer@example.com")
        writer = SteadyWriter(self.server, user)
        try:
            self.assertTrue(until(lambda: len(writer.acked) >= 50, 30), "no steady writes")
            down_at = time.monotonic()
            service("postgres", "restart", self.pg)
            back_at = time.monotonic()
            after_restart = len(writer.acked)
            self.assertTrue(until(lambda: len(writer.acked) >= after_restart + 200, 30),
                            "writes did not resume: %s" % writer.failures[-5:])
        finally:
            writer.stop()
        outside = [f for f in writer.failures
                   if f[0] < down_at or f[0] > back_at + RECOVERY_SECONDS]
        self.assertEqual(outside, [], "errors while the database was up")
        self.assertEqual({status for _, status in writer.failures} - {503}, set(),
                         "a lost database is 503, nothing else")
        missing = set(writer.acked) - listed_ids(user)
        self.assertEqual(missing, set(), "acknowledged writes lost")
        status, _, _ = self.server.request("GET", "/health")
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
