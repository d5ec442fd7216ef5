"""Graceful stop: SIGTERM/SIGINT turn /health 503, stop accepting, let in-flight
requests finish within server.drain_seconds, and exit 0."""
import os
import shutil
import signal
import socket
import tempfile
import unittest

from mindme_server import ApiUser, KeepAliveWriters, Server, read_response, until
from test_guard import BIG_FILE_BYTES, stalled_download


def connect_refused(port):
    """True once a new connection is refused (within 10 s)."""
    def refused():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
        except ConnectionRefusedError:
            return True
        except ConnectionResetError:
            return False  # caught in a closing listener's queue
        s.close()
        return False
    return until(refused)


class ShutdownTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="mindme-drain-")
        with open(os.path.join(self.root, "big.bin"), "wb") as f:
            f.truncate(BIG_FILE_BYTES)

    def tearDown(self):
        shutil.rmtree(self.root)

    def test_in_flight_request_finishes_then_exit_0(self):
        with Server("server.drain_seconds=60", static_dir=self.root) as server:
            s, head = stalled_download(server, b"/big.bin")
            server.signal(signal.SIGTERM)
            self.assertTrue(connect_refused(server.port), "listeners must close")
            # The response in flight still arrives whole.
            received = len(head.split(b"\r\n\r\n", 1)[1])
            s.settimeout(30)
            while received < BIG_FILE_BYTES:
                chunk = s.recv(1 << 20)
                self.assertTrue(chunk, "connection closed after %d bytes" % received)
                received += len(chunk)
            self.assertEqual(received, BIG_FILE_BYTES)
            self.assertEqual(s.recv(1), b"")  # and then the server closes it
            s.close()
            self.assertEqual(server.wait_exit(30), 0)
            msgs = [l.get("msg") for l in server.lines()]
            self.assertIn("draining", msgs)
            self.assertIn("stopped", msgs)

    def test_health_is_503_while_draining(self):
        with Server("server.drain_delay_seconds=3") as server:
            keep = server.raw()
            server.signal(signal.SIGINT)
            def health_503():  # once the signal has been handled
                answer = server.request("GET", "/health")
                return answer if answer[0] == 503 else None
            answer = until(health_503)
            self.assertIsNotNone(answer, "/health never answered 503")
            status, headers, body = answer
            self.assertIn(b'"status":"unavailable"', body)
            self.assertIn("retry-after", headers)
            # Other requests are still served during the delay, but close their connection.
            keep.sendall(b"GET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, _, _ = read_response(keep)
            self.assertEqual(status, 200)
            self.assertEqual(headers.get("connection"), "close")
            keep.close()
            self.assertEqual(server.wait_exit(30), 0)

    def test_idle_connections_do_not_delay_the_exit(self):
        with Server("server.drain_seconds=60") as server:
            idle = server.raw()
            idle.sendall(b"GET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n")
            read_response(idle)
            server.signal(signal.SIGTERM)
            # Exits well before drain_seconds: the idle connection is closed, not awaited.
            self.assertEqual(server.wait_exit(20), 0)
            idle.close()

    def test_sigterm_under_a_steady_load_drops_no_request(self):
        with Server("guard.rate_limit.requests=0") as server:
            writers = KeepAliveWriters(server, ApiUser(server, "steady@example.com"), 16)
            self.assertTrue(until(lambda: len(writers.acked) >= 200, 20))
            server.signal(signal.SIGTERM)
            writers.join()
            self.assertEqual(server.wait_exit(30), 0)
            self.assertEqual(writers.dropped, [])
            self.assertGreater(len(writers.acked), 200)

    def test_drain_deadline_bounds_a_stuck_client(self):
        with Server("server.drain_seconds=1", static_dir=self.root) as server:
            s, _ = stalled_download(server, b"/big.bin")  # never read again
            server.signal(signal.SIGTERM)
            self.assertEqual(server.wait_exit(20), 0)
            self.assertIn("drain deadline passed, closing connections",
                          [l.get("msg") for l in server.lines()])
            s.close()


if __name__ == "__main__":
    unittest.main()
