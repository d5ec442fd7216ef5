"""`mindme fleet` for real: serve processes behind a private HAProxy, registered through its
runtime API, scaled out by a load step and back in after the cooldown, replaced when
killed; workers scaled on the queue's depth. Periods are shortened to one second; every
wait is bounded and waits for a condition."""
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from mindme_server import BIN, HttpTarget, LoggedProcess, ApiUser, until

SERVICES = os.path.join(os.path.dirname(__file__), "../../scripts/services")

SERVE_POLICY = """\
Min Size: 1
Max Size: 3
Target Requests per Instance: 600/minute
Scale Out Cooldown: 2 seconds
Scale In Cooldown: 5 seconds
Instance Warmup: 0 seconds
Period: 1 second
"""

WORKER_POLICY = """\
Min Size: 1
Max Size: 3
Target Queue Depth: 10 messages
Scale In Cooldown: 3 seconds
Period: 1 second
"""


class Front(HttpTarget):
    def __init__(self, url):
        self.port = int(url.rsplit(":", 1)[1])


def haproxy_servers(admin_socket):
    """{name: operational state} of the serve backend (2: running)."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(admin_socket)
        s.sendall(b"show servers state serve\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    servers = {}
    for line in answer.decode().splitlines():
        fields = line.split()
        if len(fields) > 5 and fields[0].isdigit():
            servers[fields[3]] = int(fields[5])
    return servers


CONSOLE_TOKEN = "fleet-console-token"


class FleetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mindme-fleet-")
        haproxy_dir = os.path.join(cls.tmp, "haproxy")
        out = subprocess.run([os.path.join(SERVICES, "haproxy.sh"), "start", haproxy_dir],
                             check=True, capture_output=True, text=True, timeout=60)
        cls.haproxy_dir = haproxy_dir
        cls.front = Front(out.stdout.strip().splitlines()[-1])
        cls.admin = os.path.join(haproxy_dir, "admin.sock")
        for name, text in (("serve.yaml", SERVE_POLICY), ("worker.yaml", WORKER_POLICY)):
            with open(os.path.join(cls.tmp, name), "w") as f:
                f.write(text)
        # Indexing slowed to a few jobs a second per worker, so writes build a backlog.
        cls.fleet = LoggedProcess([
            BIN, "fleet", "--policy", os.path.join(cls.tmp, "serve.yaml"),
            "--worker-policy", os.path.join(cls.tmp, "worker.yaml"),
            "--haproxy-socket", cls.admin, "--check-seconds", "0.5", "--rise", "1",
            "--fall", "2", "--tick-ms", "250", "--data", os.path.join(cls.tmp, "data"),
            "--set", "log.access=false", "--set", "guard.rate_limit.requests=0",
            "--set", "worker.concurrency=1", "--set", "search.commit_interval_ms=250",
            "--set", "console.token=" + CONSOLE_TOKEN])

    @classmethod
    def tearDownClass(cls):
        try:
            cls.fleet.stop()
        finally:
            try:
                subprocess.run([os.path.join(SERVICES, "haproxy.sh"), "destroy", cls.haproxy_dir],
                               check=True, capture_output=True, timeout=60)
            finally:
                shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        # Each test starts from rest, whichever ran before it: one serve process in
        # HAProxy and one worker, and sees only the events that come after.
        self.mark = 0
        self.assertTrue(until(lambda: len(self.running_servers()) == 1, seconds=90),
                        self.fleet.output()[-3000:])
        self.assertTrue(until(self.workers_at_rest, seconds=120), self.fleet.output()[-3000:])
        self.mark = len(self.fleet.lines())

    def events(self, msg, role="serve"):
        """The fleet's log events of `role` since this test began."""
        return [l for l in self.fleet.lines()[self.mark:]
                if l.get("msg") == msg and l.get("role") == role]

    def workers_at_rest(self):
        if not self.events("fleet process serving", "worker"):
            return False
        scaled = self.events("fleet scaled", "worker")
        return not scaled or scaled[-1]["to"] == 1

    def running_servers(self):
        return sorted(n for n, state in haproxy_servers(self.admin).items() if state == 2)

    def test_a_load_step_scales_out_and_its_end_scales_back_in(self):
        # The load step: requests through HAProxy as fast as one connection goes, far above
        # 600 a minute per instance, until the fleet has scaled to its maximum (bounded).
        conn = http.client.HTTPConnection("127.0.0.1", self.front.port, timeout=10)
        deadline = time.monotonic() + 60
        sent = 0
        while time.monotonic() < deadline and sent < 200_000:
            conn.request("GET", "/v1/ping")
            response = conn.getresponse()
            response.read()
            self.assertEqual(response.status, 200)
            sent += 1
            if sent % 100 == 0 and len(self.running_servers()) == 3:
                break
        conn.close()
        self.assertEqual(len(self.running_servers()), 3, self.fleet.output()[-3000:])
        scaled_out = [e for e in self.events("fleet scaled") if e["to"] > e["from"]]
        self.assertTrue(scaled_out)
        self.assertGreater(scaled_out[0]["requests_per_instance_minute"], 600)
        load_ended = time.monotonic()
        # No load: the low alarm (15 periods below 90 % of the target) and then the 5 s
        # scale-in cooldown bring it back to the minimum, and HAProxy to one server.
        self.assertTrue(until(lambda: len(self.running_servers()) == 1, seconds=60),
                        self.fleet.output()[-3000:])
        self.assertGreaterEqual(time.monotonic() - load_ended, 15)
        scaled_in = [e for e in self.events("fleet scaled") if e["to"] < e["from"]]
        self.assertEqual(scaled_in[-1]["to"], 1)
        # Requests still flow through the one left.
        status, _, _ = self.front.request("GET", "/v1/ping")
        self.assertEqual(status, 200)

    def test_a_killed_process_is_replaced_and_reregistered(self):
        victim = self.running_servers()[0]
        started = [e for e in self.fleet.lines() if e.get("msg") == "fleet process started"
                   and e.get("name") == victim]
        os.kill(started[-1]["pid"], 9)
        self.assertTrue(until(lambda: self.running_servers() not in ([], [victim]), seconds=30),
                        self.fleet.output()[-3000:])
        exited = [e for e in self.events("fleet process exited") if e["name"] == victim]
        self.assertEqual(exited[0]["status"], "signal 9")
        self.assertNotIn(victim, haproxy_servers(self.admin))
        status, _, _ = self.front.request("GET", "/v1/ping")
        self.assertEqual(status, 200)

    def test_the_console_watches_every_process_of_the_fleet(self):
        def console_targets():
            status, _, body = self.front.request(
                "GET", "/console/api/targets",
                headers={"Authorization": "Bearer " + CONSOLE_TOKEN})
            self.assertEqual(status, 200, body)
            return sorted(t["name"] for t in json.loads(body)["targets"])
        # The processes now running, as the fleet logged them: one serve, one worker.
        self.assertTrue(until(lambda: console_targets() == sorted(
            self.running_servers() + [self.live_worker()]), seconds=30),
            (console_targets(), self.running_servers(), self.fleet.output()[-2000:]))
        # Each one's figures are relayed from its own /metrics.
        for name in console_targets():
            status, _, body = self.front.request(
                "GET", "/console/api/metrics?target=" + name,
                headers={"Authorization": "Bearer " + CONSOLE_TOKEN})
            self.assertEqual(status, 200, body)
            self.assertIn(b"process_cpu_seconds_total", body)

    def live_worker(self):
        started = {e["name"] for e in self.fleet.lines()
                   if e.get("msg") == "fleet process started" and e.get("role") == "worker"}
        gone = {e["name"] for e in self.fleet.lines()
                if e.get("msg") in ("fleet process exited", "fleet process stopping")
                and e.get("role") == "worker"}
        alive = sorted(started - gone)
        return alive[0] if len(alive) == 1 else None

    def test_workers_scale_on_the_queue_depth(self):
        user = ApiUser(self.front, "fleet@example.com")
        conn = self.front.connection()
        # A backlog: each memory is an indexing job; one worker does a few a second.
        for i in range(150):
            user.create(title="backlog %d" % i, conn=conn)
        conn.close()
        self.assertTrue(until(lambda: any(e["to"] > 1 for e in self.events("fleet scaled", "worker")),
                              seconds=30), self.fleet.output()[-3000:])
        up = [e for e in self.events("fleet scaled", "worker") if e["to"] > 1][0]
        self.assertGreater(up["queue_depth"], 10)
        # Drained, and after the cooldown, back to one worker.
        self.assertTrue(until(lambda: self.events("fleet scaled", "worker")[-1]["to"] == 1,
                              seconds=120), self.fleet.output()[-3000:])


if __name__ == "__main__":
    unittest.main()
