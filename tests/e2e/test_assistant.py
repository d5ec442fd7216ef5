"""The assistant's text path (POST /v1/assistant) against a Bedrock stand-in that verifies
every request's SigV4 signature (tests/e2e/bedrock_stand_in.py): a question about the
user's memories answered and then served from the cache, a new answer once a memory is
edited, throttles retried into one answer, tools run for the user, the quota never exceeded
upstream with the overflow refused (429/503 with Retry-After), the assistant off (503), and
a process without credentials refusing to start."""
import json
import threading
import unittest

import bedrock_stand_in as bedrock
from mindme_server import ApiUser, Server, until

CREDENTIALS = {"AWS_ACCESS_KEY_ID": bedrock.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": bedrock.SECRET_KEY}


def assistant_server(stand_in, *sets, env=None):
    return Server("assistant.enabled=true", "assistant.endpoint=" + stand_in.url(),
                  "guard.rate_limit.requests=100000000", *sets, env=env or CREDENTIALS)


class AssistantTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bedrock = bedrock.BedrockStandIn()
        cls.server = assistant_server(cls.bedrock)
        cls.user = ApiUser(cls.server, "assistant@example.com")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.bedrock.stop()

    def ask(self, prompt, memory_ids=(), user=None):
        return (user or self.user).call("POST", "/v1/assistant",
                                        {"prompt": prompt, "memory_ids": list(memory_ids)})

    def test_a_question_is_answered_then_cached_until_a_memory_changes(self):
        memory = self.user.create("Lisbon trip", "the castle at dusk")
        status, _, first = self.ask("Where did I go?", [memory["id"]])
        self.assertEqual(status, 200, first)
        self.assertIn("Lisbon trip", first["reply"])
        self.assertFalse(first["cached"])
        calls = self.bedrock.calls
        status, _, again = self.ask("  where did I GO? ", [memory["id"]])
        self.assertEqual((status, again["reply"], again["cached"]), (200, first["reply"], True))
        self.assertEqual(self.bedrock.calls, calls)
        status, _, _ = self.user.call("PUT", "/v1/memories/" + memory["id"],
                                      {"title": "Porto trip", "body": "the bridge"})
        self.assertEqual(status, 200)
        status, _, fresh = self.ask("Where did I go?", [memory["id"]])
        self.assertEqual((status, fresh["cached"]), (200, False))
        self.assertIn("Porto trip", fresh["reply"])
        self.assertEqual(self.bedrock.refused, [])
        # The model id travels percent-encoded, and the signature covered it.
        self.assertIn("us.amazon.nova-2-lite-v1%3A0", self.bedrock.models)

    def test_two_throttles_then_a_success_make_one_answer(self):
        calls = self.bedrock.calls
        self.bedrock.throttle_next = 2
        status, _, doc = self.ask("A question nobody asked before")
        self.assertEqual(status, 200, doc)
        self.assertEqual(self.bedrock.calls - calls, 3)
        self.assertGreaterEqual(self.server.metric(
            'gateway_attempts_total{upstream="bedrock",reason="throttle"}'), 2)

    def test_tools_run_for_the_user(self):
        status, _, doc = self.ask("remember the car is on level 3")
        self.assertEqual(status, 200, doc)
        self.assertIn("created", doc["reply"])
        _, _, listing = self.user.call("GET", "/v1/memories")
        self.assertIn("the car is on level 3", [m["title"] for m in listing["items"]])

    def test_the_search_tool_finds_the_users_memories(self):
        memory = self.user.create("Sintra palace", "the gardens of pena")
        self.assertTrue(until(lambda: self.user.call("GET", "/v1/search?q=pena")[2]["hits"],
                              seconds=30))
        status, _, doc = self.ask("search for pena")
        self.assertEqual(status, 200, doc)
        self.assertIn(memory["id"], doc["reply"])

    def test_another_users_memory_is_not_found(self):
        other = ApiUser(self.server, "assistant-other@example.com")
        theirs = other.create("private")
        status, _, doc = self.ask("What is this?", [theirs["id"]])
        self.assertEqual((status, doc["error"]["code"]), (404, "not_found"))

    def test_bad_input_names_the_field(self):
        for body, field in [({}, "prompt"), ({"prompt": ""}, "prompt"),
                            ({"prompt": "x" * 4001}, "prompt"),
                            ({"prompt": "hi", "memory_ids": "a"}, "memory_ids"),
                            ({"prompt": "hi", "memory_ids": ["a"] * 21}, "memory_ids")]:
            with self.subTest(body=str(body)[:40]):
                status, _, doc = self.user.call("POST", "/v1/assistant", body)
                self.assertEqual(status, 422, doc)
                self.assertIn(field, doc["error"]["message"])


class AssistantQuotaTest(unittest.TestCase):
    def test_the_upstream_never_sees_more_than_the_quota_and_the_overflow_is_refused(self):
        stand_in = bedrock.BedrockStandIn()
        stand_in.delay = 2.5
        try:
            with assistant_server(stand_in, "assistant.max_concurrent=2", "assistant.queue_size=2",
                                  "assistant.queue_timeout_ms=1000") as server:
                user = ApiUser(server, "quota@example.com")
                answers = [None] * 6

                def ask(i):
                    answers[i] = user.call("POST", "/v1/assistant", {"prompt": "question %d" % i})
                threads = [threading.Thread(target=ask, args=(i,)) for i in range(6)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(30)
                statuses = sorted(a[0] for a in answers)
                self.assertEqual(statuses, [200, 200, 429, 429, 503, 503], answers)
                for status, headers, doc in answers:
                    if status != 200:
                        self.assertIn("retry-after", headers)
                        self.assertEqual(doc["error"]["code"],
                                         "rate_limited" if status == 429 else "unavailable")
                self.assertEqual(stand_in.most, 2)
                self.assertEqual(stand_in.calls, 2)
        finally:
            stand_in.stop()


class AssistantOffTest(unittest.TestCase):
    def test_off_is_503(self):
        with Server() as server:
            user = ApiUser(server, "off@example.com")
            status, headers, doc = user.call("POST", "/v1/assistant", {"prompt": "hello"})
            self.assertEqual((status, doc["error"]["code"]), (503, "unavailable"))

    def test_on_without_credentials_the_process_refuses_to_start(self):
        env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "",
               "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials", "HOME": "/nonexistent"}
        with self.assertRaises(RuntimeError) as refused:
            Server("assistant.enabled=true", "assistant.imds_url=http://127.0.0.1:9", env=env)
        self.assertIn("no AWS credentials", str(refused.exception))
        self.assertIn("/nonexistent/credentials", str(refused.exception))


if __name__ == "__main__":
    unittest.main()
