"""RabbitMQ (the job queue, fed from the outbox) crashes under a steady write load:
writes go on with no error, their jobs wait in the outbox, and once RabbitMQ is back
they are relayed and run — none lost. The RabbitMQ is a private one started by
scripts/services/rabbitmq.sh; the store is the embedded one."""
import time
import unittest
from urllib.parse import quote

from mindme_server import ApiUser, Server, until
from test_store_faults import RECOVERY_SECONDS, SteadyWriter, private_service, service, tear_down

DONE = 'jobs_total{topic="memory.changed",outcome="done"}'


def depth(server, state):
    return server.metric('queue_depth{topic="memory.changed",state="%s"}' % state)


class RabbitMqFaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rabbitmq, url = private_service(cls, "rabbitmq")
        # Indexing runs worker.concurrency jobs per index commit: enough of both that
        # the backlog of the outage drains in seconds.
        cls.server = Server("queue.url=" + url, "queue.poll_ms=50", "worker.concurrency=64",
                            "search.commit_interval_ms=20", "guard.rate_limit.requests=0",
                            command="all")

    @classmethod
    def tearDownClass(cls):
        tear_down(cls, ("rabbitmq", cls.rabbitmq))

    def events(self):
        """The server's log lines other than requests: what it said about RabbitMQ."""
        return [line for line in self.server.lines() if line.get("log") != "access"][-10:]

    def test_writes_go_on_while_rabbitmq_is_down_and_their_jobs_run_once_it_is_back(self):
        user = ApiUser(self.server, "qw@example.com")
        writer = SteadyWriter(self.server, user)
        try:
            self.assertTrue(until(lambda: self.server.metric(DONE) >= 20, 30), "no job ran")
            service("rabbitmq", "kill", self.rabbitmq)
            writes = len(writer.acked)
            self.assertTrue(until(lambda: len(writer.acked) >= writes + 200, 30),
                            "writes stalled without RabbitMQ")
            # Nothing can run now: the jobs wait in the outbox.
            done_while_down = self.server.metric(DONE)
            service("rabbitmq", "start", self.rabbitmq)
            back = time.monotonic()
            self.assertTrue(until(lambda: self.server.metric(DONE) > done_while_down,
                                  RECOVERY_SECONDS),
                            "jobs did not run again within 5 s: %s" % self.events())
            recovered = time.monotonic() - back
        finally:
            writer.stop()
        self.assertEqual(writer.failures, [])
        # Every acknowledged write's job ran (a job RabbitMQ had handed out when it died
        # may run twice: handlers are idempotent).
        acked = len(writer.acked)
        self.assertTrue(until(lambda: self.server.metric(DONE) >= acked, 120),
                        (self.server.metric(DONE), acked))
        self.assertTrue(until(lambda: depth(self.server, "ready") == 0
                              and depth(self.server, "leased") == 0, 30))
        self.assertEqual(depth(self.server, "dead"), 0)
        # And the index holds them: every 50th memory found by its title.
        for index, memory_id in list(enumerate(writer.acked))[::50]:
            _, _, doc = user.call("GET", "/v1/memories/" + memory_id)
            _, _, found = user.call("GET", "/v1/search?q=" + quote(doc["title"]))
            self.assertIn(memory_id, [h["id"] for h in found["hits"]], index)
        print("jobs ran again %.2f s after RabbitMQ was back; %d writes" % (recovered, acked))


if __name__ == "__main__":
    unittest.main()
