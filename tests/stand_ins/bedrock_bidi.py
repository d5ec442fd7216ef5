#!/usr/bin/env python3
"""A stand-in for Bedrock's InvokeModelWithBidirectionalStream over h2c (prior knowledge)
on 127.0.0.1, for the client's tests: prints its port, serves until stdin closes.

It checks the request's SigV4 signature (service bedrock; host is :authority) and every
input message's chunk signature in the chain (AWS4-HMAC-SHA256-PAYLOAD over the prior
signature, the :date header and the message), unwraps each event ({"bytes": base64 JSON}),
and enforces Nova Sonic's event order: sessionStart, promptStart, then contents
(contentStart, textInput or audioInput, contentEnd), promptEnd, sessionEnd. An audio
content's end is answered with a transcript (textOutput, role USER) and audio (24 kHz
audioOutput, role ASSISTANT). A broken rule is answered with an exception message
(ValidationException) and the stream's end; a bad request signature with 403.

GET /stats answers {"open": streams in progress, "streams": total, "verified": messages
whose chunk signature verified}.
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

import h2_serve

ACCESS_KEY = "AKIDMINDMETEST"
SECRET_KEY = "mindme-test-secret-key"
REGION = "us-east-1"
STATS = {"open": 0, "streams": 0, "verified": 0}
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


class Session:
    """One stream's state: the signature chain and the event order."""

    def __init__(self, prior):
        self.prior = prior
        self.buffer = b""
        self.state = "start"  # start, session, prompt, content, prompt_ended, ended
        self.content = None
        self.audio_bytes = 0

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

    def on_event(self, event):
        """The output messages this input event calls for; raises ValueError on a broken rule."""
        name, body = next(iter(event["event"].items()))
        order = {"sessionStart": ["start"], "promptStart": ["session"], "contentStart": ["prompt"],
                 "textInput": ["content"], "audioInput": ["content"], "contentEnd": ["content"],
                 "promptEnd": ["prompt"], "sessionEnd": ["prompt_ended", "session"]}
        if self.state not in order.get(name, []):
            raise ValueError("%s cannot come now (state %s)" % (name, self.state))
        out = []
        if name == "sessionStart":
            self.state = "session"
        elif name == "promptStart":
            self.state = "prompt"
            out.append(output_event({"event": {"completionStart": {"promptName": body.get("promptName")}}}))
        elif name == "contentStart":
            self.state, self.content = "content", body.get("type")
        elif name == "audioInput":
            if self.content != "AUDIO":
                raise ValueError("audioInput in a %s content" % self.content)
            self.audio_bytes += len(base64.b64decode(body["content"]))
        elif name == "contentEnd":
            self.state = "prompt"
            if self.content == "AUDIO":
                transcript = "heard %d bytes" % self.audio_bytes
                out += [output_event({"event": {"contentStart": {"type": "TEXT", "role": "USER"}}}),
                        output_event({"event": {"textOutput": {"content": transcript, "role": "USER"}}}),
                        output_event({"event": {"contentEnd": {"stopReason": "END_TURN"}}}),
                        output_event({"event": {"contentStart": {"type": "AUDIO", "role": "ASSISTANT"}}}),
                        output_event({"event": {"audioOutput": {
                            "content": base64.b64encode(b"\x01\x00" * 2400).decode()}}}),
                        output_event({"event": {"contentEnd": {"stopReason": "END_TURN"}}})]
                self.audio_bytes = 0
        elif name == "promptEnd":
            self.state = "prompt_ended"
            out.append(output_event({"event": {"completionEnd": {}}}))
        elif name == "sessionEnd":
            self.state = "ended"
        return out


def serve(sock):
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    sessions = {}
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
                    conn.send_data(event.stream_id, body, end_stream=True)
                    continue
                signature = request_signature(headers, path)
                if not signature or headers.get("x-amz-content-sha256") != "STREAMING-AWS4-HMAC-SHA256-EVENTS":
                    conn.send_headers(event.stream_id, [(":status", "403"),
                                                        ("x-amzn-errortype", "AccessDeniedException:")])
                    conn.send_data(event.stream_id, b'{"message":"signature"}', end_stream=True)
                    continue
                conn.send_headers(event.stream_id, [(":status", "200"),
                                                    ("content-type", "application/vnd.amazon.eventstream")])
                sessions[event.stream_id] = Session(signature)
                with LOCK:
                    STATS["open"] += 1
                    STATS["streams"] += 1
            elif isinstance(event, h2.events.DataReceived):
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                session = sessions.get(event.stream_id)
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
                            conn.send_data(event.stream_id, out)
                except (ValueError, KeyError, StopIteration) as broken:
                    conn.send_data(event.stream_id, exception("ValidationException", str(broken)),
                                   end_stream=True)
                    sessions.pop(event.stream_id, None)
                    with LOCK:
                        STATS["open"] -= 1
            elif isinstance(event, h2.events.StreamEnded):
                if event.stream_id in sessions:
                    conn.end_stream(event.stream_id)
                    sessions.pop(event.stream_id)
                    with LOCK:
                        STATS["open"] -= 1
            elif isinstance(event, h2.events.StreamReset):
                if sessions.pop(event.stream_id, None):
                    with LOCK:
                        STATS["open"] -= 1
        out = conn.data_to_send()
        if out:
            sock.sendall(out)


if __name__ == "__main__":
    h2_serve.run(serve)
