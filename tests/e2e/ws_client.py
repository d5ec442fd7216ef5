"""A small WebSocket client (RFC 6455) for the end-to-end tests: handshake, text and binary
messages, ping/pong and close. Standard library only."""
import base64
import json
import os
import socket
import struct

OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x2, 0x8, 0x9, 0xA


class HandshakeRefused(Exception):
    def __init__(self, status, body):
        super().__init__("handshake refused with %d" % status)
        self.status = status
        self.body = body


class WebSocket:
    def __init__(self, port, path, headers=None, timeout=10, rcvbuf=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port, "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: " + key,
                 "Sec-WebSocket-Version: 13"]
        lines += ["%s: %s" % kv for kv in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status = int(head.split(b" ")[1])
        if status != 101:
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(self.buf) < length:
                self.buf += self.sock.recv(4096)
            self.sock.close()
            raise HandshakeRefused(status, self.buf[:length])
        self.pings = 0
        self.close_code = None

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _frame(self):
        """(opcode, payload) of the next message, its fragments joined; control frames
        come as they are (they may arrive between fragments)."""
        message_opcode, parts = None, []
        while True:
            b0, b1 = self._exact(2)
            fin, opcode, length = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(length)
            if opcode >= 0x8:
                return opcode, payload
            if opcode != 0:
                message_opcode = opcode
            parts.append(payload)
            if fin:
                return message_opcode, b"".join(parts)

    def send_frame(self, opcode, payload=b""):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_binary(self, data):
        self.send_frame(OP_BINARY, data)

    def send_json(self, message):
        self.send_frame(OP_TEXT, json.dumps(message).encode())

    def receive(self):
        """The next text message as JSON; None once the server closed (close_code set).
        Answers pings on the way; binary messages are skipped."""
        while True:
            message = self.receive_any()
            if message is None or not isinstance(message, bytes):
                return message

    def receive_any(self):
        """The next message: JSON of a text one, bytes of a binary one; None once the server
        closed (close_code set). Answers pings on the way."""
        while True:
            opcode, payload = self._frame()
            if opcode == OP_TEXT:
                return json.loads(payload)
            if opcode == OP_BINARY:
                return payload
            if opcode == OP_PING:
                self.pings += 1
                self.send_frame(OP_PONG, payload)
            elif opcode == OP_CLOSE:
                self.close_code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
                try:
                    self.send_frame(OP_CLOSE, payload[:2])
                except OSError:
                    pass
                return None

    def close(self):
        try:
            self.send_frame(OP_CLOSE, struct.pack(">H", 1000))
        except OSError:
            pass
        self.sock.close()
