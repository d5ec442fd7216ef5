"""Password guessing is slowed: failed sign-ins wait growing delays per account and per
address (429 with Retry-After, before any hashing), the owner's own address still gets in,
and one address cannot fill the hashing threads. Client addresses are loopback sources
(127.0.0.x), each a different client to the server."""
import http.client
import json
import threading
import unittest

from mindme_server import Server


def post(server, source, path, email, password):
    """(status, Retry-After, body) of a JSON POST of credentials from `source`."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30,
                                      source_address=(source, 0))
    try:
        conn.request("POST", path, json.dumps({"email": email, "password": password}),
                     {"Content-Type": "application/json"})
        res = conn.getresponse()
        return res.status, res.getheader("Retry-After"), res.read()
    finally:
        conn.close()


def sign_in(server, source, email, password):
    return post(server, source, "/v1/sessions", email, password)


def sign_up(server, source, email, password):
    return post(server, source, "/v1/accounts", email, password)[0]


class PasswordGuessingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("guard.rate_limit.requests=0")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_guesses_from_one_address_are_delayed_then_429(self):
        self.assertEqual(sign_up(self.server, "127.0.0.2", "victim@example.com", "right horse"), 201)
        statuses = [sign_in(self.server, "127.0.0.3", "victim@example.com", "guess %d" % i)
                    for i in range(40)]
        wrong = [s for s in statuses if s[0] == 401]
        throttled = [s for s in statuses if s[0] == 429]
        self.assertLessEqual(len(wrong), 6)  # 5 free, then one per delay
        self.assertEqual(len(wrong) + len(throttled), 40)
        self.assertTrue(all(int(s[1]) >= 1 for s in throttled), throttled[:3])
        self.assertIn(b"rate_limited", throttled[0][2])
        # The right password from the guessing address waits as well: no oracle.
        self.assertEqual(sign_in(self.server, "127.0.0.3", "victim@example.com", "right horse")[0],
                         429)

    def test_every_spelling_of_an_address_shares_its_count(self):
        self.assertEqual(sign_up(self.server, "127.0.0.7", "ren\u00e9@example.com", "right horse"),
                         201)
        spellings = ("REN\u00c9@EXAMPLE.COM", "rene\u0301@example.com", " Ren\u00e9@Example.com")
        statuses = [sign_in(self.server, "127.0.0.8", spellings[i % 3], "guess %d" % i)[0]
                    for i in range(30)]
        self.assertLessEqual(statuses.count(401), 6, statuses)

    def test_the_owners_address_is_not_locked_out(self):
        self.assertEqual(sign_up(self.server, "127.0.0.4", "owner@example.com", "owner horse"), 201)
        self.assertEqual(sign_in(self.server, "127.0.0.4", "owner@example.com", "owner horse")[0],
                         200)
        # Many addresses guess the owner's account.
        for i in range(30):
            sign_in(self.server, "127.0.1.%d" % (i + 1), "owner@example.com", "nope %d" % i)
        self.assertEqual(sign_in(self.server, "127.0.2.1", "owner@example.com", "owner horse")[0],
                         429)
        self.assertEqual(sign_in(self.server, "127.0.0.4", "owner@example.com", "owner horse")[0],
                         200)

    def test_one_address_cannot_fill_the_hashing_threads(self):
        self.assertEqual(sign_up(self.server, "127.0.0.5", "real@example.com", "real horse"), 201)
        results, start = [], threading.Barrier(41)

        def guess(i):
            start.wait(10)
            results.append(sign_in(self.server, "127.0.0.6", "user%d@example.com" % i, "wrong")[0])

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
        for t in threads:
            t.start()
        start.wait(10)
        real = sign_in(self.server, "127.0.0.5", "real@example.com", "real horse")[0]
        for t in threads:
            t.join(60)
        self.assertEqual(real, 200)
        # At most auth.hashes_per_address (4) at a time were hashed; the rest were refused
        # at once.
        self.assertGreaterEqual(results.count(429), 20, results)
        self.assertEqual(results.count(429) + results.count(401), 40, results)


if __name__ == "__main__":
    unittest.main()
