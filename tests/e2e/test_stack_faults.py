"""One `mindme serve` of the stack dies under a steady write load through HAProxy: the
requests it held may fail, nothing else does, no acknowledged write is lost, and
HAProxy takes it out of the rotation. The stack is a private one (scripts/stack.sh)."""
import csv
import io
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from mindme_server import ApiUser, RemoteServer, until
from test_store_faults import SteadyWriter, listed_ids

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
HEALTH = {"HEALTH_INTERVAL": "500ms", "HEALTH_RISE": "2", "HEALTH_FALL": "2"}


def stack(*args):
    env = {**os.environ, **HEALTH, "MINDME_SERVICES_FAST": "1",
           "MINDME_STACK_SETS": "guard.rate_limit.requests=0"}
    if "MINDME_BIN" in os.environ:
        env["MINDME"] = os.environ["MINDME_BIN"]
    subprocess.run([os.path.join(ROOT, "scripts/stack.sh"), *args], check=True, timeout=180,
                   env=env, stdout=subprocess.DEVNULL)


class StackFaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mindme-stack-faults-")
        os.chmod(cls.tmp, 0o755)  # the postgres user keeps its data below
        cls.dir = os.path.join(cls.tmp, "stack")
        stack("up", cls.dir)
        with open(os.path.join(cls.dir, "env")) as f:
            env = dict(line.strip().split("=", 1) for line in f)
        cls.server = RemoteServer(env["MINDME_URL"])
        cls.stats_url = env["HAPROXY_STATS_URL"]

    @classmethod
    def tearDownClass(cls):
        try:
            stack("down", cls.dir, "--wipe")
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def server_status(self, name):
        with urllib.request.urlopen(self.stats_url + ";csv", timeout=10) as res:
            rows = csv.DictReader(io.StringIO(res.read().decode().lstrip("# ")))
            return next(r["status"] for r in rows if r["svname"] == name)

    def test_a_killed_serve_process_loses_only_what_it_held(self):
        user = ApiUser(self.server, "stack-writer@example.com")
        writer = SteadyWriter(self.server, user)
        try:
            self.assertTrue(until(lambda: len(writer.acked) >= 100, 30), "no steady writes")
            with open(os.path.join(self.dir, "run", "serve0.pid")) as f:
                os.kill(int(f.read()), signal.SIGKILL)
            killed_at = time.monotonic()
            self.assertTrue(until(lambda: self.server_status("serve0") == "DOWN", 10),
                            "HAProxy kept the dead server")
            down_at = time.monotonic()
            n = len(writer.acked)
            self.assertTrue(until(lambda: len(writer.acked) >= n + 100, 30))
        finally:
            writer.stop()
        # At most the requests in flight on the killed process, and only then.
        self.assertLessEqual(len(writer.failures), 5, writer.failures)
        self.assertEqual([f for f in writer.failures if not killed_at <= f[0] <= down_at], [])
        self.assertEqual(self.server_status("serve1"), "UP")
        self.assertEqual(set(writer.acked) - listed_ids(user), set(), "acknowledged writes lost")


if __name__ == "__main__":
    unittest.main()
