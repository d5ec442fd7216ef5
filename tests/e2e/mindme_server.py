"""Starts the real mindme binary for end-to-end tests and talks HTTP to it.

Every wait here is bounded and waits for a condition (a log line, a closed socket,
an exit), never for a fixed time.
"""
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import unittest
import time

BIN = os.environ.get("MINDME_BIN", os.path.join(os.path.dirname(__file__), "../../build/mindme"))
START_TIMEOUT = 20.0
# MINDME_E2E_STORE=postgresql|mariadb runs the servers on the database servers of
# CTest's `databases` fixture (MINDME_TEST_SERVICES/<name>/url), one schema or database
# per data directory: processes sharing a data directory share a database, as in the
# stack.
E2E_STORE = os.environ.get("MINDME_E2E_STORE", "sqlite")
# MINDME_E2E_QUEUE=rabbitmq runs the job queue on the fixture's RabbitMQ, with exchange
# and queue names of the data directory's own (processes sharing one share the queues).
E2E_QUEUE = os.environ.get("MINDME_E2E_QUEUE", "sql")


def service_url(name):
    with open(os.path.join(os.environ["MINDME_TEST_SERVICES"], name, "url")) as f:
        return f.read().strip()


def data_name(data):
    return "e2e_" + hashlib.sha1(os.path.abspath(data).encode()).hexdigest()[:16]


def backend_sets(data):
    """The --set arguments that put a server's store and queue where this run wants."""
    return store_sets(data) + queue_sets(data)


def queue_sets(data):
    if E2E_QUEUE == "sql":
        return []
    if E2E_QUEUE == "rabbitmq":
        return ["queue.url=" + service_url("rabbitmq"), "queue.amqp_prefix=" + data_name(data)]
    raise RuntimeError("MINDME_E2E_QUEUE must be sql or rabbitmq")


def store_sets(data):
    if E2E_STORE == "sqlite":
        return []
    name = data_name(data)
    if E2E_STORE == "postgresql":
        url = service_url("postgres")
        subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", url, "-c",
                        "CREATE SCHEMA IF NOT EXISTS " + name],
                       check=True, stdout=subprocess.DEVNULL, timeout=30)
        # The search index in the same database: the PostgreSQL full-text backend.
        return ["store.url=%s?options=-c%%20search_path%%3D%s" % (url, name),
                "search.url=postgresql://"]
    if E2E_STORE == "mariadb":
        url = service_url("mariadb")
        port = url.rsplit(":", 1)[1].split("/")[0]
        subprocess.run(["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", port, "-u", "root",
                        "-e", "CREATE DATABASE IF NOT EXISTS %s CHARACTER SET utf8mb4 "
                              "COLLATE utf8mb4_bin" % name],
                       check=True, stdout=subprocess.DEVNULL, timeout=30)
        return ["store.url=" + url.rsplit("/", 1)[0] + "/" + name]
    raise RuntimeError("MINDME_E2E_STORE must be sqlite, postgresql or mariadb")


class HttpTarget:
    """What tests talk to: a mindme on 127.0.0.1:port."""
    port = None

    def connection(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            data = res.read()
            return res.status, {k.lower(): v for k, v in res.getheaders()}, data
        finally:
            conn.close()

    def raw(self, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        return s

    def flood(self, count):
        """`count` connections opened without waiting for them (non-blocking): what a
        flood of clients looks like to the listener. The caller closes them."""
        socks = []
        for _ in range(count):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", self.port))
            socks.append(s)
        return socks

    def metric(self, name_and_labels):
        """The value of one sample in /metrics, 0 when absent."""
        _, _, body = self.request("GET", "/metrics")
        for line in body.decode().splitlines():
            if line.startswith(name_and_labels + " "):
                return float(line.split()[-1])
        return 0.0


RUN_TAG = "%d-%d" % (os.getpid(), int(time.time()))


def stack_env(key):
    """A line of the env file of the stack under test (MINDME_E2E_STACK: the directory
    scripts/stack.sh made); None when no stack is under test."""
    stack = os.environ.get("MINDME_E2E_STACK")
    if not stack:
        return None
    with open(os.path.join(stack, "env")) as f:
        for line in f:
            if line.startswith(key + "="):
                return line.strip().split("=", 1)[1]
    raise RuntimeError("no %s in %s/env" % (key, stack))


def remote_url():
    """The mindme to test instead of starting one: MINDME_E2E_URL, or the stack's
    MINDME_URL (HAProxy)."""
    return stack_env("MINDME_URL") or os.environ.get("MINDME_E2E_URL")


def jobs_target(server):
    """Where the jobs run, to read their metrics: the stack's `mindme worker`, or the
    server itself (embedded: one process does everything)."""
    worker = stack_env("WORKER_URL")
    return RemoteServer(worker) if worker else server


class RemoteServer(HttpTarget):
    """A mindme that something else runs (MINDME_E2E_URL, e.g. the stack behind
    HAProxy): the API suites that need no server of their own run against it."""

    def __init__(self, url):
        host_port = url.split("://", 1)[1].rstrip("/")
        host, port = host_port.rsplit(":", 1)
        if host != "127.0.0.1":
            raise RuntimeError("MINDME_E2E_URL must be on 127.0.0.1")
        self.port = int(port)

    def stop(self):
        pass


class LoggedProcess:
    """A process whose output (JSON log lines, one per line) is read as it comes."""

    def __init__(self, args, env=None):
        self._raw_lines = []
        self._lock = threading.Lock()
        self._ended = threading.Event()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})})
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for raw in self.proc.stdout:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                self._raw_lines.append(text)
            self._on_line(text)
        self._on_end()
        self._ended.set()

    def _on_line(self, text):
        pass

    def _on_end(self):
        pass

    def output(self):
        with self._lock:
            return "\n".join(self._raw_lines)

    def lines(self):
        out = []
        with self._lock:
            raw_lines = list(self._raw_lines)
        for raw in raw_lines:
            try:
                out.append(json.loads(raw))
            except ValueError:
                pass
        return out

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def wait_exit(self, timeout=60):
        code = self.proc.wait(timeout=timeout)
        self._ended.wait(10)  # the rest of the output
        return code

    def kill(self):
        """SIGKILL, as a crash would: no drain, nothing released."""
        self.proc.kill()
        self.proc.wait()
        self._ended.wait(10)
        self.proc.stdout.close()

    def stop(self):
        """Stops the process with SIGTERM; a non-zero exit (a crash, or a sanitizer
        report in the ASan build) fails the test."""
        code = self.proc.poll()
        if code is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                code = "a hang after SIGTERM"
        self._ended.wait(10)
        self.proc.stdout.close()
        if code != 0:
            raise AssertionError("mindme exited with %s:\n%s" % (code, self.output()[-5000:]))


class Server(LoggedProcess, HttpTarget):
    def __init__(self, *sets, static_dir=None, command="all", env=None, data=None, args=(),
                 wrapper=()):
        """`data`: a data directory to share with other processes (default: a fresh one);
        `args`: more command-line arguments; `wrapper`: a command that execs mindme (e.g.
        prlimit with its options and --)."""
        self.tmp = tempfile.mkdtemp(prefix="mindme-e2e-")
        self.data = data or os.path.join(self.tmp, "data")
        args = [*wrapper, BIN, command, *args, "--listen", "127.0.0.1:0", "--data", self.data]
        if static_dir:
            args += ["--set", "http.static_dir=" + static_dir]
        for s in [*backend_sets(self.data), *sets]:
            args += ["--set", s]
        self._listening = threading.Event()
        self.port = None
        super().__init__(args, env=env)
        self._listening.wait(START_TIMEOUT)
        if self.port is None:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("mindme did not report listening (exit %s):\n%s"
                               % (self.proc.returncode, self.output()))

    def _on_line(self, text):
        # Wakes the constructor at the "listening" line (or at exit).
        if self.port is not None:
            return
        try:
            line = json.loads(text)
        except ValueError:
            return
        if line.get("msg") == "listening":
            self.port = line["port"]
            self._listening.set()

    def _on_end(self):
        self._listening.set()

    def kill(self):
        super().kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def stop(self):
        try:
            super().stop()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class ServerTestCase(unittest.TestCase):
    """A test class sharing one server, started with the class's `server_sets`."""
    server_sets = ()

    @classmethod
    def setUpClass(cls):
        remote = remote_url()
        cls.server = RemoteServer(remote) if remote else Server(*cls.server_sets)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()


class KeepAliveWriters:
    """`clients` threads, each creating memories back to back (or one every `interval`
    seconds) on a keep-alive connection of its own until the server answers with
    Connection: close (bounded: 100,000 writes each). A request counts as dropped when a
    connection the server had open fails without answering it."""

    def __init__(self, server, user, clients, interval=0.0):
        self.server, self.user, self.interval = server, user, interval
        self.acked, self.dropped = [], []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(k,)) for k in range(clients)]
        for t in self._threads:
            t.start()

    def _run(self, k):
        conn = self.server.connection(timeout=30)
        for i in range(100000):
            try:
                status, headers, _ = self.user.call("POST", "/v1/memories",
                                                    {"title": "c%d-%d" % (k, i)}, conn=conn)
            except (OSError, http.client.HTTPException) as e:
                with self._lock:
                    self.dropped.append(repr(e))
                return
            with self._lock:
                (self.acked if status == 201 else self.dropped).append(status)
            if headers.get("connection") == "close":
                return  # told so: the server is going away
            if self.interval:
                time.sleep(self.interval)

    def join(self, seconds=60):
        for t in self._threads:
            t.join(seconds)


def until(condition, seconds=10.0, interval=0.01):
    """Calls condition() until it returns a true value or `seconds` pass; returns the
    last value. For states reached asynchronously (a log line, a freed slot). Polls every
    `interval` seconds: a busy loop would take a core from the server under test."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


def read_until_closed(sock, limit=1 << 20, timeout=10):
    """Reads until the peer closes; returns the bytes. Fails on timeout."""
    sock.settimeout(timeout)
    data = b""
    while len(data) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    raise AssertionError("peer did not close")


def read_response(sock, buf=b""):
    """Reads one HTTP/1.1 response with Content-Length from a raw socket.
    Returns (status, headers, body, rest_of_buffer)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed before a response head: %r" % buf)
        buf += chunk
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    while len(buf) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed mid-body")
        buf += chunk
    return status, headers, buf[:length], buf[length:]


def error_code(body):
    doc = json.loads(body)
    assert set(doc.keys()) == {"error"}, doc
    assert set(doc["error"].keys()) == {"code", "message"}, doc
    return doc["error"]["code"]


class ApiUser:
    """A signed-up user of a running server, making JSON calls with its token."""

    def __init__(self, server, email, password="correct horse"):
        self.server = server
        if isinstance(server, RemoteServer):
            # A shared server outlives this run: the same address again would be taken.
            local, domain = email.split("@", 1)
            email = "%s+%s@%s" % (local, RUN_TAG, domain)
        self.email = email
        status, _, body = server.request("POST", "/v1/accounts",
                                         body=json.dumps({"email": email, "password": password}),
                                         headers={"Content-Type": "application/json"})
        assert status == 201, body
        self.token = json.loads(body)["token"]

    def call(self, method, path, body=None, headers=None, conn=None):
        """(status, lower-cased headers, parsed JSON body, raw bytes when the answer is not
        JSON, or None when empty)."""
        all_headers = {"Authorization": "Bearer " + self.token, **(headers or {})}
        data = None
        if body is not None:
            data = body if isinstance(body, (str, bytes)) else json.dumps(body)
            all_headers.setdefault("Content-Type", "application/json")
        if conn is None:
            status, answer_headers, raw = self.server.request(method, path, body=data,
                                                              headers=all_headers)
        else:
            conn.request(method, path, body=data, headers=all_headers)
            res = conn.getresponse()
            status, answer_headers, raw = (res.status,
                                           {k.lower(): v for k, v in res.getheaders()},
                                           res.read())
        if not raw:
            return status, answer_headers, None
        if "json" not in answer_headers.get("content-type", ""):
            # Not ours: a proxy's error page (HAProxy's 502/503 while a server dies).
            return status, answer_headers, raw
        return status, answer_headers, json.loads(raw)

    def create(self, title="a memory", body="", tags=(), conn=None):
        status, headers, doc = self.call("POST", "/v1/memories",
                                         {"title": title, "body": body, "tags": list(tags)},
                                         conn=conn)
        assert status == 201, doc
        return doc
