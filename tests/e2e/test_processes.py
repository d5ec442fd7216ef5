"""`mindme serve --processes N`: N processes on one port, events crossing between them,
a dead process replaced, and one SIGTERM stopping them all cleanly."""
import json
import os
import signal
import unittest

from mindme_server import ApiUser, Server, until
from ws_client import WebSocket


def serving_pids(server):
    return [line["pid"] for line in server.lines() if line.get("msg") == "listening"]


class ProcessesTest(unittest.TestCase):

    def setUp(self):
        self.server = Server("events.poll_ms=50", command="serve", args=("--processes", "3"))
        self.assertTrue(until(lambda: len(serving_pids(self.server)) == 3))

    def tearDown(self):
        self.server.stop()  # fails the test unless every process exited 0

    def test_connections_spread_and_events_reach_every_socket(self):
        user = ApiUser(self.server, "many@example.com")
        sockets = [WebSocket(self.server.port, "/v1/events",
                             {"Authorization": "Bearer " + user.token}) for _ in range(12)]
        # The kernel spread them: some process holds some of the sockets but not all.
        # (All twelve on one of three processes: a chance of 3 in 3**12.)
        seen = set()
        for _ in range(30):
            seen.add(self.server.metric("websocket_sessions_open"))
        self.assertTrue(any(0 < n < len(sockets) for n in seen), seen)
        doc = user.create(title="to every device")
        for ws in sockets:
            self.assertEqual(ws.receive()["id"], doc["id"])
            ws.close()

    def test_a_killed_process_is_replaced(self):
        first = serving_pids(self.server)
        os.kill(first[0], signal.SIGKILL)
        self.assertTrue(until(lambda: len(serving_pids(self.server)) == 4, seconds=20))
        replacement = serving_pids(self.server)[-1]
        self.assertNotIn(replacement, first)
        user = ApiUser(self.server, "after-crash@example.com")
        self.assertEqual(user.call("GET", "/v1/me")[0], 200)

    def statuses(self, token, n=60):
        """/v1/me with `token`, on n fresh connections: the kernel spreads them over every
        process."""
        return {self.server.request("GET", "/v1/me",
                                    headers={"Authorization": "Bearer " + token})[0]
                for _ in range(n)}

    def test_a_sign_out_holds_in_every_process_at_once(self):
        user = ApiUser(self.server, "signed-out@example.com")
        self.assertEqual(self.statuses(user.token), {200})  # now known to every process
        self.assertEqual(user.call("DELETE", "/v1/sessions/current")[0], 204)
        self.assertEqual(self.statuses(user.token), {401})

    def test_sign_out_everywhere_ends_every_session_in_every_process(self):
        user = ApiUser(self.server, "everywhere@example.com")
        status, _, doc = self.server.request(
            "POST", "/v1/sessions", body='{"email":"%s","password":"correct horse"}' % user.email,
            headers={"Content-Type": "application/json"})
        other = json.loads(doc)["token"]
        for token in (user.token, other):
            self.assertEqual(self.statuses(token, 30), {200})
        self.assertEqual(user.call("DELETE", "/v1/sessions")[0], 204)
        for token in (user.token, other):
            self.assertEqual(self.statuses(token, 30), {401})

    def test_processes_are_for_serve_only(self):
        with self.assertRaises(RuntimeError) as refused:
            Server("server.processes=2", command="all")
        self.assertIn("applies to `mindme serve` only", str(refused.exception))


if __name__ == "__main__":
    unittest.main()
