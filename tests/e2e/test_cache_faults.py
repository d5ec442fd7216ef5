"""The shared cache (Redis) fails under a steady load: requests go on without it, with
no error, and it serves again once it is back. The Redis is a private one started by
scripts/services/redis.sh."""
import os
import shutil
import tempfile
import unittest

from mindme_server import ApiUser, Server, until
from test_store_faults import RECOVERY_SECONDS, SteadyReader, SteadyWriter, service


class RedisFaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mindme-cache-faults-")
        cls.redis = os.path.join(cls.tmp, "redis")
        url = service("redis", "start", cls.redis).splitlines()[-1]
        cls.server = Server("cache.url=" + url, command="all")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            service("redis", "destroy", cls.redis)
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def hits(self):
        return self.server.metric('cache_hits_total{backend="redis"}')

    def test_requests_go_on_while_redis_is_down_and_it_serves_again(self):
        writer = SteadyWriter(self.server, ApiUser(self.server, "cw@example.com"))
        # Every request of a signed-in user looks up its session in the cache.
        reader = SteadyReader(ApiUser(self.server, "cr@example.com"))
        try:
            self.assertTrue(until(lambda: self.hits() >= 50, 30), "no cache hits")
            service("redis", "kill", self.redis)
            failures = self.server.metric('cache_failures_total{backend="redis"}')
            self.assertTrue(until(lambda: self.server.metric(
                'cache_failures_total{backend="redis"}') > failures, 10))
            reads, writes = reader.reads, len(writer.acked)
            self.assertTrue(until(lambda: reader.reads >= reads + 50
                                  and len(writer.acked) >= writes + 50, 30),
                            "requests stalled without the cache")
            service("redis", "start", self.redis)
            hits = self.hits()
            self.assertTrue(until(lambda: self.hits() >= hits + 50, RECOVERY_SECONDS + 2),
                            "the cache did not serve again")
        finally:
            reader.stop()
            writer.stop()
        self.assertEqual(reader.failures, [])
        self.assertEqual(writer.failures, [])


if __name__ == "__main__":
    unittest.main()
