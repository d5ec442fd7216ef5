"""HTTP/1.1 rules every route shares: keep-alive, pipelining, limits and deadlines."""
import socket
import unittest

from mindme_server import ServerTestCase, Server, error_code, read_response, read_until_closed


class ProtocolTest(ServerTestCase):
    server_sets = ("server.head_timeout_seconds=1", "server.idle_timeout_seconds=2",
                   "server.body_timeout_seconds=1", "http.max_head_bytes=4096",
                   "http.max_body_bytes=1000")

    def answers_then_closes(self, raw):
        """Sends `raw` (a request and, behind it, a second one that a server reading the
        framing wrongly would take as a request); returns the one answer's status, error
        code and Connection header, checking that nothing else came before the close."""
        s = self.server.raw()
        s.sendall(raw)
        status, headers, body, rest = read_response(s)
        rest += read_until_closed(s)
        s.close()
        self.assertNotIn(b"HTTP/1.1", rest)
        return status, error_code(body), headers.get("connection")

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        conn = self.server.connection()
        for _ in range(20):
            conn.request("GET", "/v1/ping")
            res = conn.getresponse()
            self.assertEqual(res.status, 200)
            self.assertEqual(res.read(), b'{"pong":true}')
        conn.close()

    def test_pipelined_requests_are_answered_in_order(self):
        s = self.server.raw()
        reqs = b"".join(
            b"GET %s HTTP/1.1\r\nHost: x\r\nX-Request-Id: pipe-%d\r\n\r\n" % (path, i)
            for i, path in enumerate([b"/v1/ping", b"/health", b"/v1/nope", b"/v1/ping"]))
        s.sendall(reqs)
        buf = b""
        seen = []
        for i in range(4):
            status, headers, body, buf = read_response(s, buf)
            self.assertEqual(headers["x-request-id"], "pipe-%d" % i)
            seen.append(status)
        self.assertEqual(seen, [200, 200, 404, 200])
        s.close()

    def test_head_over_the_limit_is_431_and_the_connection_closes(self):
        s = self.server.raw()
        s.sendall(b"GET /v1/ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8000 + b"\r\n\r\n")
        status, headers, body, _ = read_response(s)
        self.assertEqual(status, 431)
        self.assertEqual(error_code(body), "header_too_large")
        self.assertEqual(headers.get("connection"), "close")
        self.assertEqual(read_until_closed(s), b"")
        s.close()

    def test_head_just_under_the_limit_is_served(self):
        status, _, _ = self.server.request("GET", "/v1/ping", headers={"X-Pad": "a" * 3500})
        self.assertEqual(status, 200)

    def test_body_over_the_limit_is_413(self):
        status, headers, body = self.server.request("POST", "/v1/ping", body=b"x" * 1001)
        self.assertEqual(status, 413)
        self.assertEqual(error_code(body), "payload_too_large")

    def test_413_reaches_a_client_that_sends_its_whole_body_first(self):
        # 16 MiB is more than both sockets' buffers hold: a server that closed after
        # reading part of it would reset the connection before the answer was read.
        s = self.server.raw()
        body = b"x" * (16 << 20)
        s.sendall(b"POST /v1/ping HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
        s.sendall(body)
        status, _, answer, _ = read_response(s)
        self.assertEqual(status, 413)
        self.assertEqual(error_code(answer), "payload_too_large")
        s.close()

    def test_chunked_body_over_the_limit_is_413(self):
        s = self.server.raw()
        chunk = b"x" * 600
        s.sendall(b"POST /v1/ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                  b"%x\r\n%s\r\n" % (len(chunk), chunk) * 2 + b"0\r\n\r\n")
        status, _, body, _ = read_response(s)
        self.assertEqual(status, 413)
        self.assertEqual(error_code(body), "payload_too_large")
        s.close()

    def test_body_within_the_limit_reaches_routing(self):
        # /v1/ping takes GET only: a body of allowed size gets as far as routing.
        status, _, body = self.server.request("POST", "/v1/ping", body=b"x" * 1000)
        self.assertEqual(status, 405)

    def test_slow_head_is_cut_at_the_head_deadline(self):
        s = self.server.raw()
        s.sendall(b"GET /v1/ping HTTP/1.1\r\nHost: x\r\n")  # never finished
        # The server closes it once head_timeout (1 s) has passed; the read returns
        # EOF or a reset, long before this socket's own 10 s timeout.
        try:
            self.assertEqual(read_until_closed(s, timeout=10), b"")
        except ConnectionResetError:
            pass
        s.close()

    def test_trickled_head_does_not_extend_the_deadline(self):
        s = self.server.raw()
        s.sendall(b"GET /v1/ping HTTP/1.1\r\n")
        closed = False
        s.settimeout(0.3)
        for _ in range(40):  # up to ~12 s of trickling, one header every 0.3 s
            try:
                s.sendall(b"X-A: b\r\n")
                if s.recv(1) == b"":
                    closed = True
                    break
            except socket.timeout:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
        self.assertTrue(closed, "a head trickled byte by byte must still be cut")
        s.close()

    def test_idle_keep_alive_connection_is_closed(self):
        s = self.server.raw()
        s.sendall(b"GET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, _, rest = read_response(s)
        self.assertEqual(status, 200)
        self.assertEqual(rest, b"")
        self.assertEqual(read_until_closed(s, timeout=10), b"")  # after idle_timeout (2 s)
        s.close()

    def test_malformed_request_is_400_in_the_api_shape(self):
        s = self.server.raw()
        s.sendall(b"GARBAGE\r\n\r\n")
        status, _, body, _ = read_response(s)
        self.assertEqual(status, 400)
        self.assertEqual(error_code(body), "bad_request")
        s.close()

    def test_connection_close_and_http10_end_the_connection(self):
        s = self.server.raw()
        s.sendall(b"GET /v1/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = read_until_closed(s)
        self.assertIn(b"200 OK", data)
        s.close()
        s = self.server.raw()
        s.sendall(b"GET /v1/ping HTTP/1.0\r\n\r\n")
        data = read_until_closed(s)
        self.assertTrue(data.startswith(b"HTTP/1.0 200"), data)
        s.close()

    def test_expect_100_continue(self):
        s = self.server.raw()
        s.sendall(b"POST /v1/ping HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                  b"Expect: 100-continue\r\n\r\n")
        interim = s.recv(100)
        self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue"), interim)
        s.sendall(b"hello")
        status, _, _, _ = read_response(s, interim.split(b"\r\n\r\n", 1)[1])
        self.assertEqual(status, 405)
        s.close()

    def test_transfer_codings_other_than_a_final_chunked_are_refused(self):
        # The body is a smuggled request; only one answer may come back.
        smuggled = b"0\r\n\r\nGET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n"
        for coding, status, code in ((b"identity", 501, "not_implemented"),
                                     (b"xchunked", 501, "not_implemented"),
                                     (b"chunked, identity", 501, "not_implemented"),
                                     (b"gzip, chunked", 501, "not_implemented"),
                                     (b"chunked, chunked", 400, "bad_request")):
            with self.subTest(coding=coding):
                got = self.answers_then_closes(
                    b"POST /v1/ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding +
                    b"\r\n\r\n" + smuggled)
                self.assertEqual(got, (status, code, "close"))
        got = self.answers_then_closes(
            b"POST /v1/ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Transfer-Encoding: identity\r\n\r\n" + smuggled)
        self.assertEqual(got, (400, "bad_request", "close"))  # chunked not the final coding
        got = self.answers_then_closes(
            b"POST /v1/ping HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + smuggled)
        self.assertEqual(got[:2], (400, "bad_request"))  # HTTP/1.0 closes without saying so

    def test_a_final_chunked_body_is_read_as_the_body(self):
        s = self.server.raw()
        s.sendall(b"POST /v1/ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"3\r\nabc\r\n0\r\n\r\nGET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n")
        first, _, _, rest = read_response(s)
        second, _, _, _ = read_response(s, rest)
        self.assertEqual((first, second), (405, 200))  # the body was the body
        s.close()

    def test_duplicate_host_authorization_or_content_type_is_400(self):
        for name, value in ((b"Host", b"y"), (b"Authorization", b"Bearer b"),
                            (b"Content-Type", b"text/plain")):
            with self.subTest(header=name):
                got = self.answers_then_closes(
                    b"GET /v1/ping HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\n"
                    b"Content-Type: application/json\r\n" + name + b": " + value +
                    b"\r\n\r\nGET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual(got, (400, "bad_request", "close"))

    def test_a_malformed_chunk_is_400_not_a_silent_close(self):
        for size in (b"zz", b"ffffffffffffffffffff"):
            with self.subTest(size=size):
                got = self.answers_then_closes(
                    b"POST /v1/ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                    size + b"\r\nabc\r\n0\r\n\r\n")
                self.assertEqual(got, (400, "bad_request", "close"))

    def test_a_body_that_stalls_is_answered_408(self):
        s = self.server.raw()
        s.sendall(b"POST /v1/ping HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        status, headers, body, _ = read_response(s)  # after server.body_timeout_seconds
        self.assertEqual((status, error_code(body)), (408, "request_timeout"))
        self.assertEqual(headers.get("connection"), "close")
        self.assertEqual(read_until_closed(s), b"")
        s.close()

    def test_protocol_errors_are_counted(self):
        _, _, body = self.server.request("GET", "/metrics")
        self.assertIn("http_connections_closed_total", body.decode())


if __name__ == "__main__":
    unittest.main()
