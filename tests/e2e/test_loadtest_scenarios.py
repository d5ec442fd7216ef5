"""`mindme loadtest --scenario`: journeys with captures, checks, branches and think
times against a real server, per-step statistics and thresholds, events sockets,
stages, several processes with explicit source addresses, the reference scenario in
the open model and the HTML report."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from mindme_server import BIN, Server, until

REFERENCE = os.path.join(os.path.dirname(__file__), "../../scenarios/reference.yaml")

JOURNEY = """
name: crud
headers:
  Authorization: "Bearer {{token}}"
pause: 20ms
journey:
  - name: create
    post: /v1/memories
    json: {title: "trip {{user}} {{iteration}}", body: "{{word}}", tags: [load]}
    check: {status: 201}
    capture: {memory_id: "$.id"}
  - think: {uniform: [1ms, 5ms]}
  - name: read
    get: /v1/memories/{{memory_id}}
    check: {status: 200, body_contains: "trip {{user}}"}
  - branch:
      - weight: 1
        steps:
          - name: list
            get: /v1/memories?limit=5
            check: {status: 200}
      - weight: 1
        steps:
          - name: sync
            get: /v1/sync
  - name: delete
    delete: /v1/memories/{{memory_id}}
    check: {status: 204}
  - name: read deleted
    get: /v1/memories/{{memory_id}}
    check: {status: 404}
"""


class ScenarioTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="mindme-scenario-")
        # The guard's per-address limit (10,000 per 5 minutes) is not under test here.
        cls.server = Server("guard.rate_limit.requests=0")
        cls.url = "http://127.0.0.1:%d" % cls.server.port
        cls.tokens = os.path.join(cls.dir, "tokens.tsv")
        run = subprocess.run([BIN, "seed", "--users", "20", "--tokens", cls.tokens,
                              "--data", cls.server.data], capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def scenario(self, text, name="s.yaml"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def load(self, *args, expect=0, path=""):
        """Runs a load test against the server (its base URL, or `path` on it alone)."""
        out = os.path.join(self.dir, "result.json")
        if os.path.exists(out):
            os.remove(out)
        run = subprocess.run([BIN, "loadtest", "--url", self.url + path, "--tokens", self.tokens,
                              "--json", out, *args], capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, expect, run.stdout + run.stderr)
        result = None
        if os.path.exists(out):
            with open(out) as f:
                result = json.load(f)
        return result, run.stdout

    def test_a_journey_captures_checks_and_counts_per_step(self):
        result, text = self.load("--scenario", self.scenario(JOURNEY), "--users", "5",
                                 "--duration", "2s")
        self.assertEqual(result["errors"], 0, text)
        steps = result["steps"]
        self.assertEqual(set(steps), {"create", "read", "list", "sync", "delete", "read deleted"})
        for name in ("create", "read", "delete", "read deleted"):
            self.assertGreater(steps[name]["count"], 10, name)
        # Both branches are taken, and together once per pass.
        self.assertGreater(steps["list"]["count"], 0)
        self.assertGreater(steps["sync"]["count"], 0)
        self.assertLessEqual(steps["list"]["count"] + steps["sync"]["count"],
                             steps["read"]["count"])
        # Each pass deletes what it created (a pass the end cut short may not have).
        self.assertLessEqual(steps["create"]["count"] - steps["delete"]["count"], 5)
        self.assertEqual(result["count"], sum(s["count"] for s in steps.values()))
        for key in ("p50", "p90", "p99", "p999", "max", "rps"):
            self.assertIn(key, steps["read"])
        self.assertIn("read deleted", text)  # the per-step table

    def test_failed_checks_count_and_per_step_thresholds_decide(self):
        path = self.scenario("""
headers: {Authorization: "Bearer {{token}}"}
journey:
  - name: list
    get: /v1/memories
    check: {status: 201}
  - name: me
    get: /v1/me
""")
        result, text = self.load("--scenario", path, "--users", "2", "--duration", "1s",
                                 "--threshold", "list:error_rate<1%",
                                 "--threshold", "me:error_rate<1%", expect=3)
        self.assertIn("threshold list:error_rate<1%: BREACHED", text)
        self.assertIn("threshold me:error_rate<1%: ok", text)
        self.assertEqual(result["steps"]["list"]["errors_by_kind"],
                         {"check": result["steps"]["list"]["count"]})
        # A failed step ends the pass: "me" never runs.
        self.assertEqual(result["steps"]["me"]["count"], 0)
        _, _ = self.load("--scenario", path, "--users", "1", "--duration", "1s",
                         "--threshold", "nosuchstep:p99<1s", expect=2)

    def test_events_users_receive_their_changes(self):
        path = self.scenario("""
headers: {Authorization: "Bearer {{token}}"}
events: 1
pause: 50ms
journey:
  - name: create
    post: /v1/memories
    json: {title: "event {{rand}}"}
    check: {status: 201}
""")
        result, text = self.load("--scenario", path, "--users", "4", "--duration", "2s")
        self.assertEqual(result["errors"], 0, text)
        self.assertEqual(result["events"]["opened"], 4)
        self.assertEqual(result["events"]["failed"], 0)
        # Every user's own writes come back on its socket (the last few may still be on
        # their way when the test ends).
        self.assertGreater(result["events"]["received"], result["steps"]["create"]["count"] // 2)
        self.assertGreaterEqual(result["peak_connections"], 8)  # HTTP and events
        # The sockets were closed with the test, not left to the server's idle timeout.
        self.assertTrue(until(lambda: self.server.metric("websocket_sessions_open") == 0, 5))

    def test_processes_and_source_addresses_add_up(self):
        result, text = self.load("--users", "8", "--processes", "2", "--threads", "2",
                                 "--source", "127.9.0.0/30", "--duration", "1500ms",
                                 path="/v1/ping")
        self.assertEqual(result["errors"], 0, text)
        self.assertEqual(result["peak_users"], 8)
        self.assertGreaterEqual(result["peak_connections"], 8)
        self.assertGreater(result["count"], 100)
        self.load("--source", "10.0.0.0/8", "--duration", "1s", expect=2, path="/v1/ping")

    def test_stages_ramp_users_up_and_down(self):
        result, _ = self.load("--users", "6", "--ramp", "1s", "--duration", "1s",
                              "--ramp-down", "1s", path="/v1/ping")
        users = [s["users"] for s in result["timeline"]]
        self.assertEqual(max(users), 6)
        self.assertLess(users[0], 6)   # still ramping up
        self.assertLess(users[-1], 6)  # ramping down

    def test_the_reference_scenario_in_the_open_model_with_a_report(self):
        html = os.path.join(self.dir, "report.html")
        result, text = self.load("--scenario", REFERENCE, "--rate", "40", "--duration", "3s",
                                 "--html", html)
        self.assertEqual(result["errors"], 0, text)
        for step in ("open app (sync)", "list memories", "read memory"):
            self.assertGreater(result["steps"][step]["count"], 60, step)
        writes = sum(result["steps"][s]["count"] for s in ("create memory", "edit memory",
                                                           "search", "upload photo", "sign in"))
        self.assertGreater(writes, 60)
        self.assertAlmostEqual(result["rps"], 4 * 40, delta=4 * 40 * 0.25)
        with open(html) as f:
            page = f.read()
        self.assertIn("<svg", page)
        self.assertIn("list memories", page)

    def test_mistakes_are_refused_before_any_load(self):
        path = self.scenario("journey:\n  - get: /v1/me\n    chek: {status: 200}\n", "bad.yaml")
        run = subprocess.run([BIN, "loadtest", "--scenario", path, "--url", self.url,
                              "--users", "1"], capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 2)
        self.assertIn("bad.yaml:3: unknown key 'chek'", run.stderr)
        run = subprocess.run([BIN, "loadtest", "--scenario", REFERENCE, "--url", self.url,
                              "--users", "1"], capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 2)
        self.assertIn("--tokens", run.stderr)


if __name__ == "__main__":
    unittest.main()
