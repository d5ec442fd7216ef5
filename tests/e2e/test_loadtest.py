"""`mindme loadtest`: counts and latency against a server with a known injected delay,
where the open model must charge queueing to the requests (coordinated omission) and
the closed model must not; loopback only by default."""
import http.server
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from mindme_server import BIN

DELAY_S = 0.05  # every answer of the stub server takes 50 ms


class SlowHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        time.sleep(DELAY_S)  # the injected delay under test
        body = b'{"ok":true}'
        self.send_response(200 if self.path != "/missing" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class LoadtestTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.stub = http.server.HTTPServer(("127.0.0.1", 0), SlowHandler)
        cls.url = "http://127.0.0.1:%d" % cls.stub.server_address[1]
        threading.Thread(target=cls.stub.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.stub.shutdown()
        cls.stub.server_close()

    def load(self, *args):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "result.json")
            run = subprocess.run([BIN, "loadtest", "--json", out, *args], capture_output=True,
                                 text=True, timeout=60)
            self.assertEqual(run.returncode, 0, run.stderr)
            with open(out) as f:
                return json.load(f), run.stdout

    def test_the_closed_model_measures_service_time(self):
        result, text = self.load("--url", self.url + "/", "--connections", "1",
                                 "--duration", "2s")
        self.assertIn("requests", text)
        self.assertEqual(set(result) >= {"count", "errors", "rps", "p50", "p90", "p99", "p999",
                                         "max"}, True)
        self.assertGreater(result["count"], 5)
        self.assertEqual(result["errors"], 0)
        # One connection, 50 ms each: never much more than the service time.
        self.assertGreaterEqual(result["p50"], DELAY_S * 1000 * 0.9)
        self.assertLess(result["p99"], DELAY_S * 1000 * 6)

    def test_the_open_model_charges_the_queue_it_built(self):
        # 50 requests/s on one connection that serves 20/s: the k-th request waits for
        # the k before it; latency from the intended start grows to about a second.
        result, _ = self.load("--url", self.url + "/", "--connections", "1", "--duration", "2s",
                              "--rate", "50")
        self.assertGreater(result["count"], 5)
        self.assertGreater(result["p50"], DELAY_S * 1000 * 6)
        self.assertGreater(result["max"], result["p50"])

    def test_errors_are_counted_by_kind(self):
        result, _ = self.load("--url", self.url + "/missing", "--connections", "1",
                              "--duration", "500ms")
        self.assertGreater(result["errors"], 0)
        self.assertEqual(result["errors_by_kind"], {"status_404": result["errors"]})

    def test_thresholds_decide_the_exit_code(self):
        base = [BIN, "loadtest", "--url", self.url + "/", "--connections", "1",
                "--duration", "500ms"]
        run = subprocess.run(base + ["--threshold", "p50<5s", "--threshold", "error_rate<1%"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn("threshold p50<5s: ok", run.stdout)
        run = subprocess.run(base + ["--threshold", "p50<1ms"], capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(run.returncode, 3)
        self.assertIn("threshold p50<1ms: BREACHED", run.stdout)
        run = subprocess.run(base + ["--threshold", "p50 under 5"], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(run.returncode, 2)

    def test_a_terminal_gets_a_live_progress_line(self):
        # `script` gives the command a terminal; a pipe (as in the other tests) gets none.
        command = " ".join([BIN, "loadtest", "--url", self.url + "/", "--connections", "1",
                            "--duration", "2500ms"])
        run = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stdout)
        self.assertRegex(run.stdout, r"\[\s*\d+\.\d/2.5s\] \d+ requests, \d+/s, 0 errors")
        self.assertIn("latency ms:", run.stdout)

    def test_a_server_that_never_answers_costs_timeouts_not_a_hang(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # accepts (the kernel does) and never answers
        try:
            result, _ = self.load("--url", "http://127.0.0.1:%d/" % silent.getsockname()[1],
                                  "--connections", "2", "--duration", "1s", "--timeout", "300ms")
        finally:
            silent.close()
        self.assertEqual(result["count"], 0)
        self.assertGreater(result["errors_by_kind"]["timeout"], 0)

    def test_only_loopback_without_allow_remote(self):
        run = subprocess.run([BIN, "loadtest", "--url", "http://192.0.2.1/", "--duration", "1s"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 2)
        self.assertIn("--allow-remote", run.stderr)
        run = subprocess.run([BIN, "loadtest", "--url", self.url, "--duration", "soon"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 2)


if __name__ == "__main__":
    unittest.main()
