#!/usr/bin/env python3
"""The attacks of the hardening review, re-run against a build: each starts its own
`mindme all` on loopback, attacks it as a hostile client would and prints what a user
and an operator see (figures for docs/security.md). Nothing leaves 127.0.0.1.

    bench/attacks.py [ATTACK...]      (default: all; MINDME=path picks the binary)
"""
import json
import os
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../tests/e2e"))
os.environ.setdefault("MINDME_BIN", os.environ.get("MINDME", os.path.join(HERE, "../build/mindme")))

from mindme_server import ApiUser, KeepAliveWriters, Server, until  # noqa: E402


def rss_mib(server):
    with open("/proc/%d/status" % server.proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def unread_requests(server, user, path, count):
    """`count` connections that ask for `path` and never read: a tiny receive window."""
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", server.port))
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                   % (path, user.token)).encode())
        socks.append(s)
    return socks


def timed_statuses(server, user, seconds):
    """Ordinary requests one after another for `seconds`: (count, statuses seen)."""
    seen, end = {}, time.monotonic() + seconds
    while time.monotonic() < end:
        status, _, _ = user.call("GET", "/v1/memories?limit=5")
        seen[status] = seen.get(status, 0) + 1
    return seen


def slow_readers():
    with Server() as server:
        user = ApiUser(server, "reader@example.com")
        body = "x" * 65536
        for i in range(200):
            user.call("POST", "/v1/memories", {"title": "m%d" % i, "body": body})
        base = rss_mib(server)
        for path, count in (("/v1/memories?limit=200", 40), ("/v1/sync?limit=1000", 10)):
            socks = unread_requests(server, user, path, count)
            until(lambda: server.metric("http_response_bytes_unsent") > 0, 10)
            peak = max(rss_mib(server) for _ in range(20) if not time.sleep(0.1))
            unsent = server.metric("http_response_bytes_unsent") / 2**20
            seen = timed_statuses(server, user, 2)
            for s in socks:
                s.close()
            until(lambda: server.metric("http_response_bytes_unsent") == 0, 30)
            after = rss_mib(server)
            print("slow readers: %d unread %s: RSS %.0f MiB before, %.0f MiB held (+%.0f), "
                  "%.1f MiB unsent, %.0f MiB after they left; meanwhile other requests: %s"
                  % (count, path, base, peak, peak - base, unsent, after, seen))


def connection_from(server, source):
    import http.client
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=60,
                                      source_address=(source, 0))


def post_json(server, path, doc, source="127.0.0.1", conn=None):
    """The status of a JSON POST from `source`, on `conn` (kept alive) when given."""
    own = conn is None
    conn = conn or connection_from(server, source)
    try:
        conn.request("POST", path, json.dumps(doc), {"Content-Type": "application/json"})
        res = conn.getresponse()
        res.read()
        return res.status
    finally:
        if own:
            conn.close()


def guessing(seconds=60):
    with Server("guard.rate_limit.requests=0") as server:
        post_json(server, "/v1/accounts", {"email": "owner@example.com", "password": "right horse"},
                  "127.0.0.2")
        statuses, end, i = {}, time.monotonic() + seconds, 0
        conn = connection_from(server, "127.0.0.3")
        while time.monotonic() < end:
            status = post_json(server, "/v1/sessions",
                               {"email": "owner@example.com", "password": "guess %d" % i},
                               conn=conn)
            statuses[status] = statuses.get(status, 0) + 1
            i += 1
        conn.close()
        print("guessing: one address, %d s as fast as answered: %d passwords checked (401), "
              "%d refused before hashing (429)"
              % (seconds, statuses.get(401, 0), statuses.get(429, 0)))
        # 100 concurrent wrong passwords from one address while the owner signs in.
        done = []
        threads = [threading.Thread(target=lambda j=j: done.append(post_json(
            server, "/v1/sessions", {"email": "x%d@example.com" % j, "password": "wrong"},
            "127.0.0.4"))) for j in range(100)]
        for t in threads:
            t.start()
        started = time.monotonic()
        status = post_json(server, "/v1/sessions",
                           {"email": "owner@example.com", "password": "right horse"}, "127.0.0.2")
        took = time.monotonic() - started
        for t in threads:
            t.join(120)
        print("guessing: 100 concurrent wrong sign-ins from one address (%s); the owner's "
              "sign-in meanwhile: %d in %.2f s"
              % ({k: done.count(k) for k in set(done)}, status, took))


def sign_out():
    with Server(command="serve", args=("--processes", "2")) as server:
        until(lambda: sum(1 for l in server.lines() if l.get("msg") == "listening") == 2, 20)
        user = ApiUser(server, "leaving@example.com")
        auth = {"Authorization": "Bearer " + user.token}
        for _ in range(40):  # both processes have seen the token
            server.request("GET", "/v1/me", headers=auth)
        user.call("DELETE", "/v1/sessions/current")
        accepted = sum(server.request("GET", "/v1/me", headers=auth)[0] == 200 for _ in range(299))
        print("sign-out: serve --processes 2, memory:// cache: %d of 299 requests with the "
              "signed-out token accepted" % accepted)


def sigterm(clients=16, interval=0.08):
    """SIGTERM under ~200 requests/s on keep-alive connections: requests that a
    connection the server had open failed to answer."""
    import signal
    with Server("guard.rate_limit.requests=0") as server:
        writers = KeepAliveWriters(server, ApiUser(server, "steady@example.com"), clients,
                                   interval)
        until(lambda: len(writers.acked) >= 500, 20)
        server.signal(signal.SIGTERM)
        writers.join()
        server.wait_exit(30)
        print("sigterm: %d clients at ~%d requests/s: %d answered, %d dropped %s"
              % (clients, clients / interval, len(writers.acked), len(writers.dropped),
                 writers.dropped[:3]))


def slow_uploads(uploads=25, seconds=75):
    """25 uploads trickling a byte every 5 s against server.max_in_flight=20, from one
    address; meanwhile an ordinary client's requests, one every 0.2 s."""
    with Server("server.max_in_flight=20", "guard.rate_limit.requests=0") as server:
        user = ApiUser(server, "trickler@example.com")
        other = ApiUser(server, "bystander@example.com")
        head = ("POST /v1/files?name=slow.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n"
                % user.token).encode()
        socks = []
        for _ in range(uploads):
            s = server.raw()
            s.sendall(head)
            s.setblocking(False)
            socks.append([s, b"", None])
        started = time.monotonic()
        seen, next_byte = {}, 0.0
        while time.monotonic() - started < seconds:
            now = time.monotonic() - started
            if now >= next_byte:
                for entry in socks:
                    if entry[2] is None:
                        try:
                            entry[0].sendall(b"x")
                        except OSError:
                            pass
                next_byte = now + 5
            for entry in socks:
                if entry[2] is None:
                    try:
                        entry[1] += entry[0].recv(4096)
                    except (BlockingIOError, OSError):
                        pass
                    if b"\r\n" in entry[1]:
                        entry[2] = (int(entry[1].split()[1]), round(now))
            status = other.call("GET", "/v1/memories?limit=5")[0]
            seen[status] = seen.get(status, 0) + 1
            time.sleep(0.2)
        answers = {}
        for _, _, answer in socks:
            key = "unanswered" if answer is None else "%d after ~%d s" % answer
            answers[key] = answers.get(key, 0) + 1
        for s, _, _ in socks:
            s.close()
        print("slow uploads: %d trickling uploads, max_in_flight=20: uploads answered %s; "
              "the other client's requests meanwhile: %s"
              % (uploads, dict(sorted(answers.items())), seen))


def descriptors(limit=256, notes=40):
    """Descriptors exhausted while notes are written and indexed: the server runs under
    prlimit with `limit`, a flood of connections takes what it can, one client writes
    `notes` notes; then the flood leaves and the server restarts on the same data. How
    many acknowledged notes are searchable after the restart?"""
    import shutil
    import tempfile
    data = tempfile.mkdtemp(prefix="mindme-attack-fd-")
    acked = 0
    try:
        with Server("guard.rate_limit.requests=0", "queue.poll_ms=50", data=data,
                    wrapper=("prlimit", "--nofile=%d:%d" % (limit, limit), "--")) as server:
            user = ApiUser(server, "fd@example.com")
            conn = server.connection()
            user.call("GET", "/v1/me", conn=conn)
            flood = server.flood(limit + 50)
            time.sleep(2)  # the flood is accepted (or refused) meanwhile
            for i in range(notes):
                try:
                    status, _, _ = user.call("POST", "/v1/memories",
                                             {"title": "ember note %d" % i}, conn=conn)
                    acked += status == 201
                except OSError:
                    conn = server.connection()
            time.sleep(15)  # indexing, retries
            for s in flood:
                s.close()
            conn.close()
        with Server("queue.poll_ms=50", data=data) as server:
            user.server = server
            found = 0
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                status, _, doc = user.call("GET", "/v1/search?q=ember&limit=100")
                found = len(doc["hits"]) if status == 200 else 0
                if found >= acked:
                    break
                time.sleep(0.5)
        print("descriptors: %d-descriptor process flooded while writing: %d notes "
              "acknowledged, %d searchable after a restart" % (limit, acked, found))
    finally:
        shutil.rmtree(data, ignore_errors=True)


ATTACKS = {"slow_readers": slow_readers, "guessing": guessing, "sign_out": sign_out,
           "sigterm": sigterm, "slow_uploads": slow_uploads,
           "descriptors": descriptors}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(ATTACKS):
        ATTACKS[name]()
