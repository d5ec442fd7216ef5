"""The shared cache (Redis) fails under a steady load: requests go on without it, with
no error, and it serves again once it is back. A single Redis crashes and returns; in a
Redis Cluster a master crashes and its replica takes over. Each is a private instance
started by scripts/services/ (redis.sh, redis_cluster.sh)."""
import os
import time
import unittest

from mindme_server import ApiUser, Server, until
from test_store_faults import (RECOVERY_SECONDS, SteadyReader, SteadyWriter, private_service,
                               service, tear_down)


class RedisFaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis, url = private_service(cls, "redis")
        cls.server = Server("cache.url=" + url, command="all")

    @classmethod
    def tearDownClass(cls):
        tear_down(cls, ("redis", cls.redis))

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


class RedisClusterFaultTest(unittest.TestCase):
    NODE_TIMEOUT_MS = 1000  # how soon the cluster gives up on a master (5 s in the stack)

    @classmethod
    def setUpClass(cls):
        cls.cluster, url = private_service(
            cls, "redis_cluster", env={"REDIS_CLUSTER_NODE_TIMEOUT": str(cls.NODE_TIMEOUT_MS)})
        cls.server = Server("cache.url=" + url, command="all")

    @classmethod
    def tearDownClass(cls):
        tear_down(cls, ("redis_cluster", cls.cluster))

    def metric(self, name):
        return self.server.metric(name + '{backend="redis"}')

    def masters(self):
        return service("redis_cluster", "masters", self.cluster).split()

    def traffic(self, reader, writer):
        """Waits (bounded) for 100 more reads and 100 more writes."""
        reads, writes = reader.reads, len(writer.acked)
        self.assertTrue(until(lambda: reader.reads >= reads + 100
                              and len(writer.acked) >= writes + 100, 30), "requests stalled")

    def test_a_master_dies_its_replica_takes_over_and_the_cache_serves_again(self):
        writer = SteadyWriter(self.server, ApiUser(self.server, "kw@example.com"))
        reader = SteadyReader(ApiUser(self.server, "kr@example.com"))
        try:
            self.assertTrue(until(lambda: self.metric("cache_hits_total") >= 50, 30),
                            "no cache hits")
            self.assertEqual(self.metric("cache_failures_total"), 0)
            victim = self.masters()[0]
            service("redis_cluster", "kill-node", self.cluster, os.path.basename(victim))
            # Keys of the dead master's slots fail (then, once the cluster marks it
            # failed, every key until its replica is promoted): misses, not errors.
            self.assertTrue(until(lambda: self.metric("cache_failures_total") > 0, 10))
            self.assertTrue(until(lambda: len(self.masters()) == 3, 30),
                            "no replica took over")
            promoted = time.monotonic()
            # Recovery: the first stretch of 100 reads and 100 writes (new memories spread
            # keys over every slot) in which the cache fails no command must begin within
            # RECOVERY_SECONDS of the promotion, and the next stretch must be clean too.
            recovered = False
            while not recovered and time.monotonic() - promoted <= RECOVERY_SECONDS:
                failures = self.metric("cache_failures_total")
                self.traffic(reader, writer)
                recovered = self.metric("cache_failures_total") == failures
            self.assertTrue(recovered, "the cache still failed %d s after the promotion"
                            % RECOVERY_SECONDS)
            failures = self.metric("cache_failures_total")
            hits = self.metric("cache_hits_total")
            self.traffic(reader, writer)
            self.assertEqual(self.metric("cache_failures_total"), failures,
                             "the cache failed again after it had recovered")
            self.assertGreater(self.metric("cache_hits_total"), hits)
        finally:
            reader.stop()
            writer.stop()
        self.assertEqual(reader.failures, [])
        self.assertEqual(writer.failures, [])


if __name__ == "__main__":
    unittest.main()
