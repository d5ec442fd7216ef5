"""The edge rules: per-client rate limit, trusted proxies, admission control."""
import os
import shutil
import socket
import tempfile
import unittest

from mindme_server import Server, error_code, read_response, until

BIG_FILE_BYTES = 64 << 20


def stalled_download(server, path):
    """Starts a GET of a large file and stops reading once the head has arrived, so
    the response stays in flight (the server is blocked writing)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect(("127.0.0.1", server.port))
    s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise AssertionError("closed before the head")
        head += chunk
    assert head.startswith(b"HTTP/1.1 200"), head[:100]
    return s, head


class RateLimitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("guard.rate_limit.requests=5", "guard.rate_limit.window_seconds=60",
                            "guard.trusted_proxies=127.0.0.2")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_over_the_limit_is_429_with_headers(self):
        xff = {"X-Forwarded-For": "198.51.100.1"}  # ignored: 127.0.0.1 is not trusted
        # Requests from 127.0.0.1 share one budget across tests in this class; use a
        # source address of its own.
        statuses = []
        for _ in range(5):
            status, headers, _ = self.request_from("127.0.0.9", "/v1/ping", xff)
            statuses.append(status)
            self.assertEqual(headers["ratelimit-limit"], "5")
        self.assertEqual(statuses, [200] * 5)
        status, headers, body = self.request_from("127.0.0.9", "/v1/ping", xff)
        self.assertEqual(status, 429)
        self.assertEqual(error_code(body), "rate_limited")
        self.assertGreaterEqual(int(headers["retry-after"]), 1)
        self.assertEqual(headers["ratelimit-remaining"], "0")
        self.assertIn("ratelimit-reset", headers)
        # /health is exempt.
        status, _, _ = self.request_from("127.0.0.9", "/health")
        self.assertEqual(status, 200)
        # The refusals are counted.
        _, _, metrics = self.request_from("127.0.0.10", "/metrics")
        line = [l for l in metrics.decode().splitlines() if l.startswith("rate_limited_total ")]
        self.assertGreaterEqual(float(line[0].split()[1]), 1)

    def test_forwarded_for_counts_only_from_a_trusted_proxy(self):
        # Through the trusted proxy 127.0.0.2, each forwarded client has its own budget.
        for client in ("203.0.113.1", "203.0.113.2"):
            for _ in range(5):
                status, _, _ = self.request_from("127.0.0.2", "/v1/ping",
                                                 {"X-Forwarded-For": client})
                self.assertEqual(status, 200)
        status, _, _ = self.request_from("127.0.0.2", "/v1/ping",
                                         {"X-Forwarded-For": "203.0.113.1"})
        self.assertEqual(status, 429)
        # A spoofed header from an untrusted peer buys no fresh budget.
        for _ in range(5):
            self.request_from("127.0.0.3", "/v1/ping", {"X-Forwarded-For": "192.0.2.50"})
        status, _, _ = self.request_from("127.0.0.3", "/v1/ping",
                                         {"X-Forwarded-For": "192.0.2.99"})
        self.assertEqual(status, 429)

    def request_from(self, source, path, headers=None):
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10,
                                     source_address=(source, 0))
        try:
            extra = "".join("%s: %s\r\n" % kv for kv in (headers or {}).items())
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (path, extra)).encode())
            status, hdrs, body, _ = read_response(s)
            return status, hdrs, body
        finally:
            s.close()


class AdmissionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="mindme-admission-")
        with open(os.path.join(cls.root, "big.bin"), "wb") as f:
            f.truncate(BIG_FILE_BYTES)
        cls.server = Server("server.max_in_flight=1", "guard.overload_retry_after_seconds=3",
                            static_dir=cls.root)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.root)

    def test_past_max_in_flight_is_503_at_once(self):
        s, _ = stalled_download(self.server, b"/big.bin")
        try:
            status, headers, body = self.server.request("GET", "/v1/ping")
            self.assertEqual(status, 503)
            self.assertEqual(error_code(body), "unavailable")
            self.assertEqual(headers["retry-after"], "3")
            # The load balancer's health check is never shed.
            status, _, _ = self.server.request("GET", "/health")
            self.assertEqual(status, 200)
        finally:
            s.close()
        # Once the slow response ends, requests are admitted again (the slot is freed
        # when the server notices the closed socket).
        self.assertTrue(until(lambda: self.server.request("GET", "/v1/ping")[0] == 200))


if __name__ == "__main__":
    unittest.main()
