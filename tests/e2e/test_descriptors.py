"""A process short of file descriptors: clients cannot take the ones its database, search
index and files need (the listeners pause before the limit), and it accepts again once
clients leave. The server runs under prlimit with 256 descriptors."""
import unittest

from mindme_server import ApiUser, Server, until

LIMIT = 256


class DescriptorReserveTest(unittest.TestCase):
    def test_connections_stop_short_of_the_limit_and_the_rest_keeps_working(self):
        with Server("guard.rate_limit.requests=0",
                    wrapper=("prlimit", "--nofile=%d:%d" % (LIMIT, LIMIT), "--")) as server:
            user = ApiUser(server, "many-sockets@example.com")
            worker_conn = server.connection()
            user.call("GET", "/v1/me", conn=worker_conn)  # accepted before the flood
            flood = server.flood(LIMIT + 50)
            def open_connections():
                worker_conn.request("GET", "/metrics")
                res = worker_conn.getresponse()
                for line in res.read().decode().splitlines():
                    if line.startswith("http_connections_open "):
                        return float(line.split()[1])
                return 0.0
            # The flood is taken up to the reserve (256 less 64), and no further.
            self.assertTrue(until(lambda: open_connections() >= LIMIT - 64, 20))
            # Writes and their indexing still get files and database handles.
            doc = user.create(title="written while the listeners pause", conn=worker_conn)
            self.assertTrue(until(lambda: user.call(
                "GET", "/v1/search?q=listeners", conn=worker_conn)[2]["hits"], 20),
                "not searchable")
            self.assertEqual(user.call("GET", "/v1/memories/" + doc["id"],
                                       conn=worker_conn)[0], 200)
            self.assertLessEqual(open_connections(), LIMIT - 64 + 2)  # loops may race by one each
            self.assertTrue(any(l.get("msg") == "accept paused: descriptor reserve reached"
                                for l in server.lines()))
            for s in flood:
                s.close()
            worker_conn.close()
            # Accepting again.
            self.assertTrue(until(lambda: user.call("GET", "/v1/me")[0] == 200, 20))
            self.assertFalse([l for l in server.lines()
                              if "Too many open files" in str(l.get("error", ""))])


if __name__ == "__main__":
    unittest.main()
