"""The voice assistant (GET /v1/assistant/voice) against a Nova Sonic stand-in over h2c
(tests/stand_ins/bedrock_bidi.py, run in this process) that verifies the request's SigV4
signature and every event's chunk signature, enforces the event order, and scripts speech
recognition from the audio's bytes: audio both ways, a barge-in, a stream ended by
ModelTimeoutException and one past its age both reopened with the conversation replayed,
the tools run for the user, a vanished client's stream ended cleanly upstream, a silent
upstream meeting the first-byte deadline, the quota's overflow refused, protocol errors."""
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "stand_ins"))

import bedrock_bidi  # noqa: E402
import h2_serve  # noqa: E402
from mindme_server import ApiUser, Server, until  # noqa: E402
from ws_client import HandshakeRefused, WebSocket  # noqa: E402

CREDENTIALS = {"AWS_ACCESS_KEY_ID": bedrock_bidi.ACCESS_KEY,
               "AWS_SECRET_ACCESS_KEY": bedrock_bidi.SECRET_KEY}
SILENCE = b"\x00" * 3200  # 100 ms of 16 kHz 16-bit mono: the pause that ends a turn


def speech(words):
    """Audio the stand-in hears as `words` (its recognition reads the bytes)."""
    data = words.encode()
    return data + b" " * (len(data) % 2)


def stats():
    with bedrock_bidi.LOCK:
        return dict(bedrock_bidi.STATS)


def voice_server(port, *sets):
    return Server("assistant.enabled=true", "assistant.endpoint=http://127.0.0.1:%d" % port,
                  "guard.rate_limit.requests=100000000", *sets, env=CREDENTIALS)


class Talk:
    """One voice session of `user`: JSON messages and audio kept apart as they come."""

    def __init__(self, server, user, start=None):
        self.ws = WebSocket(server.port, "/v1/assistant/voice?token=" + user.token)
        self.ws.send_json(start or {"type": "start", "voice": "tiffany"})

    def next(self):
        return self.ws.receive_any()

    def until_json(self, kind, audio=None):
        """The next JSON message of type `kind`; audio on the way is appended to `audio`."""
        while True:
            message = self.next()
            if message is None:
                raise AssertionError("closed (%s) before %s" % (self.ws.close_code, kind))
            if isinstance(message, bytes):
                if audio is not None:
                    audio.append(message)
                continue
            if message["type"] == kind:
                return message
            if message["type"] == "error":
                raise AssertionError("error before %s: %s" % (kind, message))

    def say(self, words):
        self.ws.send_binary(speech(words))
        self.ws.send_binary(SILENCE)

    def turn(self, words):
        """Says `words` and hears the whole answer: (transcript, final text, audio bytes)."""
        self.say(words)
        heard = self.until_json("transcript")["text"]
        audio = []
        first = self.until_json("text", audio)
        assert first["final"] is False, first
        while not audio:
            message = self.next()
            assert isinstance(message, bytes), message
            audio.append(message)
        self.ws.send_binary(SILENCE)  # the stand-in finishes speaking at the next pause
        self.until_json("turn_end", audio)
        final = self.until_json("text", audio)
        assert final["final"] is True, final
        return heard, final["text"], b"".join(audio)

    def end(self):
        """Sends end; the close code once the server closed."""
        self.ws.send_json({"type": "end"})
        while self.next() is not None:
            pass
        return self.ws.close_code


class VoiceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = h2_serve.start(bedrock_bidi.serve)
        cls.server = voice_server(cls.port)
        cls.user = ApiUser(cls.server, "voice@example.com")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def quiet_upstream(self):
        self.assertTrue(until(lambda: stats()["open"] == 0, seconds=10), stats())

    def test_a_conversation_streams_audio_both_ways_and_ends_cleanly(self):
        before = stats()
        talk = Talk(self.server, self.user)
        self.assertEqual(talk.until_json("ready"), {"type": "ready"})
        heard, said, audio = talk.turn("hello there")
        self.assertEqual(heard, "hello there")
        self.assertEqual(said, "You said: hello there")
        self.assertEqual(len(audio), 2 * bedrock_bidi.CHUNK)  # 24 kHz PCM, as sent upstream
        self.assertEqual(talk.end(), 1000)
        self.quiet_upstream()
        after = stats()
        self.assertEqual(after["clean_ends"] - before["clean_ends"], 1)
        self.assertEqual(after["streams"] - before["streams"], 1)
        self.assertGreater(after["verified"], before["verified"])
        self.assertGreaterEqual(self.server.metric(
            'assistant_voice_audio_bytes_total{direction="out"}'), len(audio))
        self.assertGreaterEqual(self.server.metric(
            'assistant_voice_audio_bytes_total{direction="in"}'), len(speech("hello there")))

    def test_a_throttled_stream_is_retried_into_a_session(self):
        before = stats()
        bedrock_bidi.SCRIPT["throttle_next"] = 2
        talk = Talk(self.server, self.user)
        self.assertEqual(talk.until_json("ready"), {"type": "ready"})
        self.assertEqual(stats()["throttled"] - before["throttled"], 2)
        heard, _, _ = talk.turn("after the wait")
        self.assertEqual(heard, "after the wait")
        self.assertEqual(talk.end(), 1000)
        self.quiet_upstream()

    def test_speaking_over_the_assistant_interrupts_it(self):
        talk = Talk(self.server, self.user)
        talk.until_json("ready")
        talk.say("tell me a long story")
        self.assertEqual(talk.until_json("transcript")["text"], "tell me a long story")
        audio = []
        talk.until_json("text", audio)
        while not audio:
            audio.append(talk.next())
        talk.ws.send_binary(speech("stop"))  # the user speaks while it talks
        self.assertEqual(talk.until_json("interrupted"), {"type": "interrupted"})
        talk.ws.send_binary(SILENCE)
        self.assertEqual(talk.until_json("transcript")["text"], "stop")
        self.assertEqual(talk.end(), 1000)
        self.quiet_upstream()

    def test_a_model_timeout_reopens_the_stream_with_the_conversation_replayed(self):
        before = stats()
        talk = Talk(self.server, self.user)
        talk.until_json("ready")
        talk.turn("my car is blue")
        talk.say("time out")  # the stand-in ends this stream with ModelTimeoutException
        self.assertTrue(until(lambda: stats()["streams"] - before["streams"] == 2, seconds=10))
        # The new stream's replay arrives after its request: wait for it, not for any.
        replay = [{"role": "USER", "text": "my car is blue"},
                  {"role": "ASSISTANT", "text": "You said: my car is blue"}]
        self.assertTrue(until(lambda: stats()["replayed"] == replay, seconds=10), stats())
        heard, said, _ = talk.turn("still there")  # the conversation goes on
        self.assertEqual((heard, said), ("still there", "You said: still there"))
        self.assertEqual(talk.end(), 1000)
        self.assertGreaterEqual(self.server.metric(
            'assistant_voice_reopens_total{reason="model_timeout"}'), 1)
        self.quiet_upstream()

    def test_a_stream_past_its_age_is_reopened_between_turns(self):
        server = voice_server(self.port, "assistant.voice_stream_seconds=1")
        try:
            user = ApiUser(server, "voice-age@example.com")
            before = stats()
            talk = Talk(server, user)
            talk.until_json("ready")
            talk.turn("first words")
            self.assertTrue(until(lambda: stats()["streams"] - before["streams"] >= 2,
                                  seconds=20))
            # The replay arrives after the new stream's request: wait for it.
            self.assertTrue(until(lambda: {"role": "USER", "text": "first words"} in
                                  stats()["replayed"], seconds=10), stats())
            heard, _, _ = talk.turn("second words")
            self.assertEqual(heard, "second words")
            self.assertEqual(talk.end(), 1000)
            self.assertGreaterEqual(server.metric('assistant_voice_reopens_total{reason="age"}'), 1)
        finally:
            server.stop()
        self.quiet_upstream()

    def test_the_tools_run_for_the_user(self):
        talk = Talk(self.server, self.user)
        talk.until_json("ready")
        talk.say("remember parking on level 3")
        said = talk.until_json("text")
        self.assertIn("created", said["text"])
        created = stats()["tool_results"][-1]["created"]
        status, _, memory = self.user.call("GET", "/v1/memories/" + created)
        self.assertEqual((status, memory["title"]), (200, "parking on level 3"))
        self.assertEqual(talk.end(), 1000)
        self.quiet_upstream()

    def test_a_vanished_client_leaves_no_stream_open_upstream(self):
        before = stats()
        talk = Talk(self.server, self.user)
        talk.until_json("ready")
        talk.ws.send_binary(speech("and then"))
        self.assertTrue(until(lambda: stats()["open"] >= 1, seconds=10))
        talk.ws.sock.shutdown(socket.SHUT_RDWR)  # gone without a close frame
        talk.ws.sock.close()
        self.quiet_upstream()
        self.assertTrue(until(lambda: stats()["clean_ends"] - before["clean_ends"] == 1))
        self.assertTrue(until(lambda: self.server.metric("assistant_voice_sessions") == 0))

    def test_protocol_errors_are_named_and_close_the_session(self):
        for start, frames, says in [
                (None, [b"\x01\x02\x03"], "odd length"),
                ({"type": "start", "voice": "Not A Voice!"}, [], "voice"),
                ({"type": "hello"}, [], "unknown message type"),
                ({"type": "start", "system_prompt": 7}, [], "system_prompt")]:
            talk = Talk(self.server, self.user, start)
            for frame in frames:
                talk.ws.send_binary(frame)
            while True:
                message = talk.next()
                self.assertIsNotNone(message, says)
                if isinstance(message, dict) and message["type"] == "error":
                    break
            self.assertEqual(message["error"]["code"], "unprocessable")
            self.assertIn(says, message["error"]["message"])
            self.assertIsNone(talk.next())
            self.assertEqual(talk.ws.close_code, 1008)
        self.quiet_upstream()

    def test_audio_before_start_is_refused(self):
        ws = WebSocket(self.server.port, "/v1/assistant/voice?token=" + self.user.token)
        ws.send_binary(speech("hi"))
        message = ws.receive()
        self.assertEqual(message["error"]["code"], "unprocessable")
        self.assertIsNone(ws.receive())
        self.assertEqual(ws.close_code, 1008)

    def test_a_socket_needs_a_valid_token(self):
        with self.assertRaises(HandshakeRefused) as refused:
            WebSocket(self.server.port, "/v1/assistant/voice")
        self.assertEqual(refused.exception.status, 401)

    def test_a_silent_upstream_meets_the_first_byte_deadline(self):
        server = voice_server(self.port, "assistant.voice_model_id=stall-model",
                              "assistant.voice_first_byte_ms=300")
        try:
            user = ApiUser(server, "voice-stall@example.com")
            talk = Talk(server, user)
            error = talk.next()
            self.assertEqual(error["type"], "error")
            self.assertEqual(error["error"]["code"], "unavailable")
            self.assertIn("in time", error["error"]["message"])
            self.assertIsNone(talk.next())
            self.assertEqual(talk.ws.close_code, 1013)
        finally:
            server.stop()

    def test_the_quota_overflow_is_refused_with_retry_after(self):
        server = voice_server(self.port, "assistant.max_concurrent=1", "assistant.queue_size=0")
        try:
            user = ApiUser(server, "voice-quota@example.com")
            first = Talk(server, user)
            first.until_json("ready")
            second = Talk(server, user)
            error = second.next()
            self.assertEqual(error["error"]["code"], "rate_limited")
            self.assertGreaterEqual(error["error"]["retry_after"], 1)
            self.assertIsNone(second.next())
            self.assertEqual(second.ws.close_code, 1013)
            self.assertEqual(first.end(), 1000)
        finally:
            server.stop()
        self.quiet_upstream()


class VoiceBackPressureTest(unittest.TestCase):
    """Neither a slow model nor a slow client makes the server hold more than a bound."""

    @classmethod
    def setUpClass(cls):
        cls.port = h2_serve.start(bedrock_bidi.serve)

    def test_a_model_that_takes_no_input_stops_reading_the_client(self):
        server = voice_server(self.port, "assistant.voice_model_id=deaf-model")
        try:
            user = ApiUser(server, "voice-deaf@example.com")
            talk = Talk(server, user)
            talk.until_json("ready")
            talk.ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
            talk.ws.sock.settimeout(3)
            frame, sent, limit = speech("la" * 1600), 0, 64 << 20
            with self.assertRaises(socket.timeout):
                while sent < limit:  # 64 MiB: far past any buffer on the way
                    talk.ws.send_binary(frame)
                    sent += len(frame)
            # The server stopped reading: TCP held the client back (no close, no error).
            self.assertLess(sent, limit)
            self.assertIsNone(talk.ws.close_code)
        finally:
            server.stop()

    def test_a_client_that_does_not_read_holds_the_model_back(self):
        server = voice_server(self.port)
        try:
            user = ApiUser(server, "voice-slow@example.com")
            talk = Talk(server, user)
            talk.until_json("ready")
            held = stats()["held_back"]
            talk.say("talk a lot")  # 400 chunks of audio at once; the client reads none
            self.assertTrue(until(lambda: stats()["held_back"] > held, seconds=20), stats())
            audio = []
            talk.ws.send_binary(SILENCE)
            talk.until_json("turn_end", audio)  # every chunk arrives once the client reads
            self.assertEqual(len(b"".join(audio)), (bedrock_bidi.LONG_ANSWER + 2) * bedrock_bidi.CHUNK)
            self.assertEqual(talk.end(), 1000)
        finally:
            server.stop()


class VoiceOffTest(unittest.TestCase):
    def test_the_voice_route_is_503_when_the_assistant_is_off(self):
        server = Server()
        try:
            user = ApiUser(server, "voice-off@example.com")
            with self.assertRaises(HandshakeRefused) as refused:
                WebSocket(server.port, "/v1/assistant/voice?token=" + user.token)
            self.assertEqual(refused.exception.status, 503)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
