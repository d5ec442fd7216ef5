"""Real-time events (API.md): a WebSocket per device that receives the user's changes,
from this process or another one on the same data; pings, revocation, slow readers
and the drain."""
import json
import socket
import time
import unittest

from mindme_server import ApiUser, Server, ServerTestCase, until
from ws_client import HandshakeRefused, WebSocket


def connect(server, user, via="header", **kwargs):
    if via == "header":
        return WebSocket(server.port, "/v1/events", {"Authorization": "Bearer " + user.token},
                         **kwargs)
    return WebSocket(server.port, "/v1/events?token=" + user.token, **kwargs)


class EventsTest(ServerTestCase):
    server_sets = ("events.auth_check_seconds=1", "websocket.idle_timeout_seconds=2")

    def test_changes_arrive_in_order_with_their_sync_cursor(self):
        user = ApiUser(self.server, "events-ann@example.com")
        ws = connect(self.server, user)
        doc = user.create(title="pushed")
        path = "/v1/memories/" + doc["id"]
        user.call("PUT", path, {"title": "pushed again"})
        user.call("DELETE", path)
        events = [ws.receive() for _ in range(3)]
        self.assertEqual([(e["type"], e["id"]) for e in events],
                         [("memory.upserted", doc["id"]), ("memory.upserted", doc["id"]),
                          ("memory.deleted", doc["id"])])
        # The cursor is sync's: nothing happened after the last event.
        _, _, page = user.call("GET", "/v1/sync?since=" + events[-1]["cursor"])
        self.assertEqual(page["changes"], [])
        _, _, page = user.call("GET", "/v1/sync?since=" + events[0]["cursor"])
        self.assertEqual(len(page["changes"]), 2)
        ws.close()

    def test_a_processed_file_is_announced_and_sync_stays_about_memories(self):
        user = ApiUser(self.server, "events-files@example.com")
        ws = connect(self.server, user)
        status, _, doc = user.call("POST", "/v1/files?name=notes.txt", b"some words\n",
                                   {"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 202)
        status, _, bad = user.call("POST", "/v1/files?name=fake.png", b"not an image\n",
                                   {"Content-Type": "application/octet-stream"})
        events = {ws.receive()["type"] for _ in range(2)}
        self.assertEqual(events, {"file.ready", "file.failed"})
        memory = user.create(title="after the files")
        event = ws.receive()
        self.assertEqual((event["type"], event["id"]), ("memory.upserted", memory["id"]))
        _, _, page = user.call("GET", "/v1/sync")
        self.assertEqual([c["memory"]["id"] for c in page["changes"]], [memory["id"]])
        ws.close()

    def test_every_device_of_the_user_and_no_one_else(self):
        ann = ApiUser(self.server, "events-multi@example.com")
        bob = ApiUser(self.server, "events-other@example.com")
        phone, laptop = connect(self.server, ann), connect(self.server, ann, via="query")
        bobs = connect(self.server, bob)
        doc = ann.create(title="for both devices")
        self.assertEqual(phone.receive()["id"], doc["id"])
        self.assertEqual(laptop.receive()["id"], doc["id"])
        own = bob.create(title="bob's own")
        self.assertEqual(bobs.receive()["id"], own["id"])  # ann's change never reached him
        for ws in (phone, laptop, bobs):
            ws.close()

    def test_refusals_before_the_upgrade(self):
        with self.assertRaises(HandshakeRefused) as refused:
            WebSocket(self.server.port, "/v1/events")
        self.assertEqual(refused.exception.status, 401)
        with self.assertRaises(HandshakeRefused) as refused:
            WebSocket(self.server.port, "/v1/events?token=bogus")
        self.assertEqual(refused.exception.status, 401)
        user = ApiUser(self.server, "events-plain@example.com")
        status, _, _ = user.call("GET", "/v1/events")
        self.assertEqual(status, 400)

    def test_a_revoked_token_closes_its_sockets_only(self):
        user = ApiUser(self.server, "events-revoked@example.com")
        status, _, body = self.server.request(
            "POST", "/v1/sessions",
            body=json.dumps({"email": user.email, "password": "correct horse"}),
            headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        other_token = json.loads(body)["token"]
        revoked = connect(self.server, user)
        kept = WebSocket(self.server.port, "/v1/events",
                         {"Authorization": "Bearer " + other_token})
        self.assertEqual(user.call("DELETE", "/v1/sessions/current")[0], 204)
        self.assertIsNone(revoked.receive())
        self.assertEqual(revoked.close_code, 1008)
        user.token = other_token
        doc = user.create(title="still delivered")
        self.assertEqual(kept.receive()["id"], doc["id"])
        kept.close()

    def test_idle_sockets_are_pinged(self):
        user = ApiUser(self.server, "events-idle@example.com")
        ws = connect(self.server, user)
        ws.sock.settimeout(0.2)
        deadline = time.monotonic() + 10
        while ws.pings == 0 and time.monotonic() < deadline:
            try:
                ws.receive()
            except socket.timeout:
                pass
        self.assertGreaterEqual(ws.pings, 1)
        ws.close()


class EventsAcrossProcessesTest(unittest.TestCase):
    """A write through one serve process reaches a socket held by another."""

    def test_a_write_elsewhere_reaches_this_socket(self):
        first = Server(command="serve")
        second = Server("events.poll_ms=50", command="serve", data=first.data)
        try:
            user = ApiUser(first, "events-far@example.com")
            ws = connect(second, user)
            doc = user.create(title="written through the first process")
            event = ws.receive()
            self.assertEqual((event["type"], event["id"]), ("memory.upserted", doc["id"]))
            ws.close()
        finally:
            second.stop()
            first.stop()


class EventsLimitsTest(unittest.TestCase):

    def test_a_client_that_does_not_read_is_dropped(self):
        server = Server("websocket.max_queued=16", "websocket.send_buffer_bytes=4096",
                        "guard.rate_limit.requests=1000000")
        try:
            user = ApiUser(server, "events-slow@example.com")
            slow = connect(server, user, rcvbuf=1024)
            conn = server.connection()
            dropped = lambda: server.metric(
                'websocket_sessions_closed_total{reason="slow_reader"}') >= 1
            for i in range(5000):
                user.create(title="flood %d" % i, conn=conn)
                if i % 100 == 99 and dropped():
                    break
            conn.close()
            self.assertTrue(until(dropped))
            self.assertEqual(server.metric("websocket_sessions_open"), 0)
            slow.sock.close()
        finally:
            server.stop()

    def test_a_user_holds_at_most_max_per_user_sockets_and_the_newest_is_refused(self):
        with Server("websocket.max_per_user=2") as server:
            user = ApiUser(server, "events-many@example.com")
            other = ApiUser(server, "events-many-other@example.com")
            first, second = connect(server, user), connect(server, user)
            # The route counts sockets once they are open (after their 101 went out): a
            # third upgrade before then would be closed after its upgrade instead.
            self.assertTrue(until(lambda: server.metric("websocket_sessions_open") == 2))
            with self.assertRaises(HandshakeRefused) as refused:
                connect(server, user)
            self.assertEqual(refused.exception.status, 429)
            self.assertIn(b"websocket.max_per_user", refused.exception.body)
            connect(server, other).close()  # per user
            # The open ones still work; closing one makes room.
            doc = user.create(title="still delivered")
            self.assertEqual(second.receive()["id"], doc["id"])
            first.close()
            self.assertTrue(until(lambda: server.metric("websocket_sessions_open") == 1))
            connect(server, user).close()
            second.close()

    def test_a_draining_server_closes_sockets_with_1001(self):
        server = Server()
        user = ApiUser(server, "events-drain@example.com")
        ws = connect(server, user)
        server.signal()
        self.assertIsNone(ws.receive())
        self.assertEqual(ws.close_code, 1001)
        self.assertEqual(server.wait_exit(), 0)
        server.stop()


if __name__ == "__main__":
    unittest.main()
