"""Clients that read or send slowly, or not at all, cost bounded memory and slots: pages
are bounded in bytes, large replies count against a process-wide budget, an upload that
trickles is answered 408, and one address cannot hold most request slots with uploads."""
import json
import socket
import time
import unittest

from mindme_server import ApiUser, Server, error_code, read_response, until

PAGE_BYTES = 1024 * 1024  # app/limits.hpp kMaxPageBytes
BIG_BODY = "x" * 60000


def fill(user, count):
    for i in range(count):
        status, _, doc = user.call("POST", "/v1/memories", {"title": "big %d" % i, "body": BIG_BODY})
        assert status == 201, doc


def small_window_socket(server):
    """A connection whose receive window is tiny, so what it does not read stays with
    the server instead of in the kernel's buffers."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect(("127.0.0.1", server.port))
    return s


def get_request(user, path):
    return ("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
            % (path, user.token)).encode()


class PageBytesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.user = ApiUser(cls.server, "pages@example.com")
        fill(cls.user, 40)  # 2.4 MB of bodies

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def walk(self, first, next_path, ids):
        """Follows pages from `first` (next_path(page): the next one or None); each reply
        is checked against the byte bound. Returns (pages, ids seen)."""
        seen, path, pages = [], first, 0
        while path and pages < 10:
            status, _, raw = self.server.request(
                "GET", path, headers={"Authorization": "Bearer " + self.user.token})
            self.assertEqual(status, 200)
            self.assertLess(len(raw), PAGE_BYTES + 70000)
            page = json.loads(raw)
            seen += ids(page)
            pages += 1
            path = next_path(page)
        return pages, seen

    def test_a_list_page_ends_past_a_mebibyte_and_the_cursor_carries_on(self):
        pages, seen = self.walk(
            "/v1/memories?limit=200",
            lambda p: p["next_cursor"] and "/v1/memories?limit=200&cursor=" + p["next_cursor"],
            lambda p: [m["id"] for m in p["items"]])
        self.assertGreaterEqual(pages, 3)
        self.assertEqual(len(seen), 40)
        self.assertEqual(len(set(seen)), 40)

    def test_a_sync_page_ends_past_a_mebibyte_with_has_more(self):
        pages, seen = self.walk(
            "/v1/sync?limit=1000",
            lambda p: p["has_more"] and "/v1/sync?limit=1000&since=" + p["cursor"],
            lambda p: [c["memory"]["id"] for c in p["changes"]])
        self.assertGreaterEqual(pages, 3)
        self.assertEqual(len(set(seen)), 40)


class UnsentBudgetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("server.max_unsent_bytes=1048576")
        cls.user = ApiUser(cls.server, "budget@example.com")
        fill(cls.user, 20)  # a 1.2 MB first page

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_replies_past_the_budget_are_503_and_the_budget_comes_back(self):
        unread = small_window_socket(self.server)
        # Several pipelined pages: the kernel's buffers take the first ones, and the
        # server is left holding one.
        unread.sendall(get_request(self.user, "/v1/memories?limit=200") * 8)
        # The kernel's buffers take the first pages; then the server holds one, and a
        # large reply for anyone else is refused until that one goes.
        def refused():
            status, headers, raw = self.server.request(
                "GET", "/v1/memories?limit=200",
                headers={"Authorization": "Bearer " + self.user.token})
            return (status, headers.get("retry-after"), raw[:200]) if status != 200 else None
        answer = until(refused, 20, 0.05)
        self.assertIsNotNone(answer, "a reply past the budget was sent")
        self.assertEqual(answer[:2], (503, "1"))
        self.assertEqual(error_code(answer[2]), "unavailable")
        # Small replies are not held back.
        status, _, _ = self.user.call("GET", "/v1/me")
        self.assertEqual(status, 200)
        unread.close()
        # The connection ends once its reset arrives (a pipelined reply may still start
        # before it does); then the budget is whole again and large replies go out.
        self.assertTrue(until(lambda: self.server.metric("http_response_bytes_unsent") == 0
                              and self.user.call("GET", "/v1/memories?limit=200")[0] == 200),
                        "the budget was not given back")


class SlowUploadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("server.body_timeout_seconds=2", "server.max_in_flight=20",
                            "guard.max_uploads_per_address=4")
        cls.user = ApiUser(cls.server, "uploads@example.com")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def upload_head(self, length=100000):
        return ("POST /v1/files?name=slow.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
                % (self.user.token, length)).encode()

    def test_a_trickled_upload_is_answered_408(self):
        s = self.server.raw()
        s.sendall(self.upload_head())
        # One byte every 0.3 s: each pause is well inside the 2 s body timeout, the
        # average far below server.min_rate_bytes_per_second.
        started = time.monotonic()
        s.settimeout(0.3)
        answer = b""
        while time.monotonic() - started < 20 and b"\r\n\r\n" not in answer:
            try:
                s.sendall(b"x")
                answer += s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
        s.settimeout(10)
        status, _, body, _ = read_response(s, answer)
        # The answer came while the client still trickled (the loop ends at 20 s): no
        # figure of how fast, which a loaded machine would break.
        self.assertEqual((status, error_code(body)), (408, "request_timeout"))
        s.close()

    def test_one_address_cannot_hold_most_slots_with_uploads(self):
        held = []
        for _ in range(4):
            s = self.server.raw()
            s.sendall(self.upload_head() + b"x")
            held.append(s)
        # /metrics holds a slot of its own while it answers.
        self.assertTrue(until(lambda: self.server.metric("admission_in_flight") >= 4 + 1))
        extra = self.server.raw()
        extra.sendall(self.upload_head() + b"x")
        status, headers, body, _ = read_response(extra)
        self.assertEqual((status, error_code(body)), (429, "rate_limited"))
        self.assertIn("retry-after", headers)
        extra.close()
        # Everything else is served meanwhile.
        status, _, _ = self.user.call("GET", "/v1/memories")
        self.assertEqual(status, 200)
        for s in held:
            s.close()
        self.assertTrue(until(lambda: self.server.metric("admission_in_flight") == 1, 15))


if __name__ == "__main__":
    unittest.main()
