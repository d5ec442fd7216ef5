#!/usr/bin/env python3
"""A stand-in for Bedrock's InvokeModelWithBidirectionalStream over h2c (prior knowledge)
on 127.0.0.1, for the client's tests: as a process it prints its port and serves until
stdin closes; a test in Python may run it in a thread (h2_serve.start).

It checks the request's SigV4 signature (service bedrock; host is :authority) and every
input message's chunk signature in the chain (AWS4-HMAC-SHA256-PAYLOAD over the prior
signature, the :date header and the message), unwraps each event ({"bytes": base64 JSON}),
and enforces Nova Sonic's event order: sessionStart, promptStart, then contents
(contentStart, textInput / audioInput / toolResult, contentEnd; several may be open at
once, each event names its own), promptEnd, sessionEnd. A broken rule is answered with an
exception message (ValidationException) and the stream's end; a bad request signature with
403. A model id containing "stall" is never answered; one containing "deaf" never opens its
flow-control window (the client's input must wait). Output is sent as the client's windows
allow.

Its speech recognition is a script: the non-zero bytes of the user's audio, read as ASCII,
are what was said (other bytes: "heard N bytes"), and an all-zero audio chunk is the pause
that ends the user's turn. The turn is answered with the transcript (role USER), the
assistant's speculative text, and its audio: one 100 ms chunk at once, the rest at the
next pause — unless the user speaks first, which is a barge-in ({ "interrupted" : true }
and contentEnd INTERRUPTED). "remember X" asks for the create_memory tool, "search for X"
for search_memories (the answer waits for the tool's result), "talk a lot" is answered
with 400 more chunks at once, and "time out" ends the stream with ModelTimeoutException. The end of the audio content finishes any turn.

GET /stats answers {"open": streams in progress, "streams": total, "verified": messages
whose chunk signature verified, "clean_ends": streams ended with sessionEnd, "replayed":
the USER/ASSISTANT text contents the latest stream was given, "tool_results": the tool
results received, "held_back": the most output ever waiting for a client's window,
"throttled": streams refused with ThrottlingException as SCRIPT["throttle_next"] asked}.
"""
import base64
import datetime
import hashlib
import hmac
import json
import struct
import threading
import zlib
from urllib.parse import quote

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions

import h2_serve

ACCESS_KEY = "AKIDMINDMETEST"
SECRET_KEY = "mindme-test-secret-key"
REGION = "us-east-1"
STATS = {"open": 0, "streams": 0, "verified": 0, "clean_ends": 0, "replayed": [],
         "tool_results": [], "held_back": 0, "throttled": 0}
LONG_ANSWER = 400  # audio chunks of "talk a lot"
SCRIPT = {"throttle_next": 0}  # streams to refuse with ThrottlingException (429), from now
CHUNK = 4800  # 100 ms of 24 kHz 16-bit mono
LOCK = threading.Lock()


def signing_key(day):
    key = ("AWS4" + SECRET_KEY).encode()
    for part in (day, REGION, "bedrock", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def request_signature(headers, path):
    """The request's signature if it verifies, else None."""
    auth = headers.get("authorization", "")
    try:
        credential = auth.split("Credential=")[1].split(",")[0]
        signed = auth.split("SignedHeaders=")[1].split(",")[0]
        signature = auth.split("Signature=")[1]
    except IndexError:
        return None
    access, day, region, service, _ = credential.split("/")
    if access != ACCESS_KEY or region != REGION or service != "bedrock":
        return None
    values = dict(headers, host=headers.get(":authority", ""))
    canonical_headers = "".join("%s:%s\n" % (n, " ".join(values.get(n, "").split()))
                                for n in signed.split(";"))
    canonical = "\n".join(["POST", quote(path, safe="-._~/"), "", canonical_headers, signed,
                           headers.get("x-amz-content-sha256", "")])
    scope = "%s/%s/bedrock/aws4_request" % (day, REGION)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", headers.get("x-amz-date", ""), scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    good = hmac.new(signing_key(day), to_sign.encode(), hashlib.sha256).hexdigest()
    return good if hmac.compare_digest(good, signature) else None


def encode_headers(headers):
    out = b""
    for name, (kind, value) in headers.items():
        out += bytes([len(name)]) + name.encode() + bytes([kind])
        if kind == 7 or kind == 6:
            out += struct.pack(">H", len(value)) + value
        elif kind == 8:
            out += struct.pack(">q", value)
    return out


def encode_message(headers, payload):
    head = encode_headers(headers)
    total = 12 + len(head) + len(payload) + 4
    prelude = struct.pack(">II", total, len(head))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + head + payload
    return body + struct.pack(">I", zlib.crc32(body))


def decode_headers(data):
    headers, at = {}, 0
    while at < len(data):
        n = data[at]
        name = data[at + 1:at + 1 + n].decode()
        at += 1 + n
        kind = data[at]
        at += 1
        if kind in (6, 7):
            length = struct.unpack(">H", data[at:at + 2])[0]
            headers[name] = data[at + 2:at + 2 + length]
            at += 2 + length
        elif kind == 8:
            headers[name] = struct.unpack(">q", data[at:at + 8])[0]
            at += 8
        else:
            raise ValueError("header type %d" % kind)
    return headers


def split_messages(buffer):
    """(messages, rest): whole messages at the start of buffer, CRCs checked."""
    messages = []
    while len(buffer) >= 12:
        total, head_length = struct.unpack(">II", buffer[:8])
        if len(buffer) < total:
            break
        message = buffer[:total]
        if zlib.crc32(message[:-4]) != struct.unpack(">I", message[-4:])[0]:
            raise ValueError("message CRC")
        messages.append((decode_headers(message[12:12 + head_length]), message[12 + head_length:-4]))
        buffer = buffer[total:]
    return messages, buffer


def output_event(event):
    payload = json.dumps({"bytes": base64.b64encode(json.dumps(event).encode()).decode()}).encode()
    return encode_message({":event-type": (7, b"chunk"), ":message-type": (7, b"event"),
                           ":content-type": (7, b"application/json")}, payload)


def exception(kind, message):
    return encode_message({":message-type": (7, b"exception"), ":exception-type": (7, kind.encode()),
                           ":content-type": (7, b"application/json")},
                          json.dumps({"message": message}).encode())


def event(name, body):
    return output_event({"event": {name: body}})


class Session:
    """One stream's state: the signature chain, the event order and the conversation."""

    def __init__(self, prior):
        self.prior = prior
        self.buffer = b""
        self.state = "start"  # start, session, prompt, prompt_ended, ended
        self.open_contents = {}  # contentName: (type, role)
        self.utterance = b""  # what the user said since the last pause
        self.speaking = False
        self.said = ""
        self.replayed = []
        self.contents = 0

    def verify_chunk(self, headers, payload):
        date_ms = headers[":date"]
        date_header = encode_headers({":date": (8, date_ms)})
        when = datetime.datetime.fromtimestamp(date_ms / 1000, datetime.timezone.utc)
        amz = when.strftime("%Y%m%dT%H%M%SZ")
        scope = "%s/%s/bedrock/aws4_request" % (amz[:8], REGION)
        to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz, scope, self.prior,
                             hashlib.sha256(date_header).hexdigest(),
                             hashlib.sha256(payload).hexdigest()])
        good = hmac.new(signing_key(amz[:8]), to_sign.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(good, headers.get(":chunk-signature", b"")):
            return False
        self.prior = good.hex()
        return True

    def content_id(self):
        self.contents += 1
        return "out-%d" % self.contents

    def text_content(self, role, text, stage=None):
        cid = self.content_id()
        start = {"contentId": cid, "type": "TEXT", "role": role}
        if stage:
            start["additionalModelFields"] = json.dumps({"generationStage": stage})
        return [event("contentStart", start),
                event("textOutput", {"contentId": cid, "content": text, "role": role}),
                event("contentEnd", {"contentId": cid, "type": "TEXT", "stopReason": "END_TURN"})]

    def start_speaking(self, text):
        """The assistant's speculative text and the first chunk of its audio."""
        self.said = text
        self.speaking = True
        self.audio_id = self.content_id()
        return self.text_content("ASSISTANT", text, "SPECULATIVE") + [
            event("contentStart", {"contentId": self.audio_id, "type": "AUDIO", "role": "ASSISTANT"}),
            event("audioOutput", {"contentId": self.audio_id,
                                  "content": base64.b64encode(b"\x01\x00" * (CHUNK // 2)).decode()})]

    def finish_speaking(self):
        self.speaking = False
        return [event("audioOutput", {"contentId": self.audio_id,
                                      "content": base64.b64encode(b"\x02\x00" * (CHUNK // 2)).decode()}),
                event("contentEnd", {"contentId": self.audio_id, "type": "AUDIO", "stopReason": "END_TURN"})
                ] + self.text_content("ASSISTANT", self.said, "FINAL")

    def barge_in(self):
        self.speaking = False
        return [event("textOutput", {"contentId": self.audio_id, "role": "ASSISTANT",
                                     "content": '{ "interrupted" : true }'}),
                event("contentEnd", {"contentId": self.audio_id, "type": "AUDIO", "stopReason": "INTERRUPTED"})]

    def end_turn(self):
        """The answer to what the user said; raises TimeoutError for "time out"."""
        heard = self.utterance.replace(b"\x00", b"")
        self.utterance = b""
        text = heard.decode("ascii") if heard and all(32 <= c < 127 for c in heard) else \
            "heard %d bytes" % len(heard)
        text = text.strip()
        out = self.text_content("USER", text)
        if text == "time out":
            raise TimeoutError("Model has timed out in processing the request")
        tool = None
        if text.startswith("remember "):
            tool = ("create_memory", {"title": text[len("remember "):]})
        elif text.startswith("search for "):
            tool = ("search_memories", {"query": text[len("search for "):]})
        if tool:
            cid = self.content_id()
            return out + [event("contentStart", {"contentId": cid, "type": "TOOL", "role": "TOOL"}),
                          event("toolUse", {"contentId": cid, "toolName": tool[0], "toolUseId": "use-%d" % self.contents,
                                            "content": json.dumps(tool[1])}),
                          event("contentEnd", {"contentId": cid, "type": "TOOL", "stopReason": "TOOL_USE"})]
        out += self.start_speaking("You said: " + text)
        if text == "talk a lot":
            out += [event("audioOutput", {"contentId": self.audio_id,
                                          "content": base64.b64encode(b"\x03\x00" * (CHUNK // 2)).decode()})
                    ] * LONG_ANSWER
        return out

    def on_event(self, event_json):
        """The output messages this input event calls for; raises ValueError on a broken rule."""
        name, body = next(iter(event_json["event"].items()))
        # Contents are named: several may be open at once (tool results while the user's
        # audio content stays open), each input event goes to an open one of its type.
        order = {"sessionStart": ["start"], "promptStart": ["session"], "contentStart": ["prompt"],
                 "textInput": ["prompt"], "audioInput": ["prompt"], "toolResult": ["prompt"],
                 "contentEnd": ["prompt"], "promptEnd": ["prompt"], "sessionEnd": ["prompt_ended", "session"]}
        if self.state not in order.get(name, []):
            raise ValueError("%s cannot come now (state %s)" % (name, self.state))
        wants = {"textInput": "TEXT", "audioInput": "AUDIO", "toolResult": "TOOL"}
        content = body.get("contentName")
        if name in wants or name == "contentEnd":
            if content not in self.open_contents:
                raise ValueError("%s for content %r, which is not open" % (name, content))
            kind, role = self.open_contents[content]
            if name in wants and kind != wants[name]:
                raise ValueError("%s in a %s content" % (name, kind))
        out = []
        if name == "sessionStart":
            self.state = "session"
        elif name == "promptStart":
            self.state = "prompt"
            out.append(event("completionStart", {"promptName": body.get("promptName")}))
        elif name == "contentStart":
            if not content or content in self.open_contents:
                raise ValueError("contentStart needs a new contentName")
            self.open_contents[content] = (body.get("type"), body.get("role"))
        elif name == "textInput":
            if role in ("USER", "ASSISTANT"):
                self.replayed.append({"role": role, "text": body["content"]})
                with LOCK:
                    STATS["replayed"] = list(self.replayed)
        elif name == "toolResult":
            with LOCK:
                STATS["tool_results"].append(json.loads(body["content"]))
            out += self.start_speaking("Done: " + body["content"])
        elif name == "audioInput":
            pcm = base64.b64decode(body["content"])
            if any(pcm):
                if self.speaking:
                    out += self.barge_in()
                self.utterance += pcm
            elif self.utterance:
                out += self.end_turn()
            elif self.speaking:
                out += self.finish_speaking()
        elif name == "contentEnd":
            del self.open_contents[content]
            if kind == "AUDIO":
                if self.utterance:
                    out += self.end_turn()
                if self.speaking:
                    out += self.finish_speaking()
        elif name == "promptEnd":
            if self.open_contents:
                raise ValueError("promptEnd with contents open: %s" % sorted(self.open_contents))
            self.state = "prompt_ended"
            out.append(event("completionEnd", {}))
        elif name == "sessionEnd":
            self.state = "ended"
            with LOCK:
                STATS["clean_ends"] += 1
        return out


class Outbox:
    """What the stand-in says on each stream, sent as the client's flow-control windows
    allow (a client that reads slowly holds it back); the most ever held back is a stat."""

    def __init__(self, conn):
        self.conn = conn
        self.pending = {}  # stream id: [bytes, end the stream after them]

    def send(self, stream_id, data, end=False):
        entry = self.pending.setdefault(stream_id, [b"", False])
        entry[0] += data
        entry[1] = entry[1] or end
        self.flush(stream_id)

    def flush(self, stream_id):
        entry = self.pending.get(stream_id)
        if entry is None:
            return
        try:
            while entry[0]:
                room = min(self.conn.local_flow_control_window(stream_id),
                           self.conn.max_outbound_frame_size)
                if room <= 0:
                    break
                self.conn.send_data(stream_id, entry[0][:room])
                entry[0] = entry[0][room:]
            if not entry[0]:
                if entry[1]:
                    self.conn.end_stream(stream_id)
                del self.pending[stream_id]
        except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            self.pending.pop(stream_id, None)
        with LOCK:
            STATS["held_back"] = max(STATS["held_back"], len(entry[0]))

    def flush_all(self):
        for stream_id in list(self.pending):
            self.flush(stream_id)


def serve(sock):
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    sessions = {}
    outbox = Outbox(conn)

    def end_session(stream_id, message):
        outbox.send(stream_id, message, end=True)
        sessions.pop(stream_id, None)
        with LOCK:
            STATS["open"] -= 1

    while True:
        try:
            data = sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            with LOCK:
                STATS["open"] -= len(sessions)
            return
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.RequestReceived):
                headers = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
                           for k, v in event.headers}
                path = headers[":path"]
                if path == "/stats":
                    with LOCK:
                        body = json.dumps(STATS).encode()
                    conn.send_headers(event.stream_id, [(":status", "200")])
                    outbox.send(event.stream_id, body, end=True)
                    continue
                if "stall" in path:
                    continue  # never answered: the client's deadline must end the wait
                with LOCK:
                    throttled = SCRIPT["throttle_next"] > 0
                    if throttled:
                        SCRIPT["throttle_next"] -= 1
                        STATS["throttled"] += 1
                if throttled:
                    conn.send_headers(event.stream_id, [(":status", "429"),
                                                        ("x-amzn-errortype", "ThrottlingException:")])
                    outbox.send(event.stream_id, b'{"message":"Too many requests"}', end=True)
                    continue
                signature = request_signature(headers, path)
                if not signature or headers.get("x-amz-content-sha256") != "STREAMING-AWS4-HMAC-SHA256-EVENTS":
                    conn.send_headers(event.stream_id, [(":status", "403"),
                                                        ("x-amzn-errortype", "AccessDeniedException:")])
                    outbox.send(event.stream_id, b'{"message":"signature"}', end=True)
                    continue
                conn.send_headers(event.stream_id, [(":status", "200"),
                                                    ("content-type", "application/vnd.amazon.eventstream")])
                sessions[event.stream_id] = Session(signature)
                # A "deaf" model never opens its window: the client's input must wait.
                sessions[event.stream_id].deaf = "deaf" in path
                with LOCK:
                    STATS["open"] += 1
                    STATS["streams"] += 1
            elif isinstance(event, h2.events.DataReceived):
                session = sessions.get(event.stream_id)
                if not (session and session.deaf):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                if not session:
                    continue
                session.buffer += event.data
                try:
                    messages, session.buffer = split_messages(session.buffer)
                    for headers, payload in messages:
                        if not session.verify_chunk(headers, payload):
                            raise ValueError("chunk signature")
                        with LOCK:
                            STATS["verified"] += 1
                        if not payload:
                            continue  # the final message
                        inner = split_messages(payload)[0][0]
                        event_json = json.loads(base64.b64decode(json.loads(inner[1])["bytes"]))
                        for out in session.on_event(event_json):
                            outbox.send(event.stream_id, out)
                except TimeoutError as timeout:
                    end_session(event.stream_id, exception("ModelTimeoutException", str(timeout)))
                except (ValueError, KeyError, StopIteration) as broken:
                    end_session(event.stream_id, exception("ValidationException", str(broken)))
            elif isinstance(event, h2.events.StreamEnded):
                if event.stream_id in sessions:
                    end_session(event.stream_id, b"")
            elif isinstance(event, h2.events.StreamReset):
                outbox.pending.pop(event.stream_id, None)
                if sessions.pop(event.stream_id, None):
                    with LOCK:
                        STATS["open"] -= 1
            elif isinstance(event, h2.events.WindowUpdated):
                outbox.flush_all()
        out = conn.data_to_send()
        if out:
            sock.sendall(out)


if __name__ == "__main__":
    h2_serve.run(serve)
