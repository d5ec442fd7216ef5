"""Operations endpoints, request ids, routing errors and the command line."""
import json
import os
import re
import socket
import subprocess
import tempfile
import unittest

from mindme_server import ServerTestCase, BIN, Server, error_code, until


class OperationsTest(ServerTestCase):

    def test_health_reports_checks(self):
        status, headers, body = self.server.request("GET", "/health")
        self.assertEqual(status, 200)
        doc = json.loads(body)
        self.assertEqual(doc["status"], "ok")
        self.assertEqual(doc["checks"]["data_dir"], "ok")
        self.assertEqual(doc["checks"]["store"], "ok")
        self.assertEqual(headers["content-type"], "application/json")

    def test_metrics_expose_the_named_families(self):
        self.server.request("GET", "/v1/ping")
        status, headers, body = self.server.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"))
        text = body.decode()
        for family in ["http_requests_total", "http_request_duration_seconds",
                       "http_connections_open", "http_requests_in_flight", "rate_limited_total",
                       "process_cpu_seconds_total", "process_resident_memory_bytes",
                       "log_lines_dropped_total", "store_pool_threads", "store_pool_queued",
                       "store_pool_wait_seconds_total"]:
            self.assertIn("# TYPE %s " % family, text)
        self.assertIn('http_requests_total{route="/v1/ping",method="GET",status="200"}', text)
        self.assertIn('http_request_duration_seconds_bucket{route="/v1/ping",le="+Inf"}', text)
        rss = [l for l in text.splitlines() if l.startswith("process_resident_memory_bytes ")]
        self.assertGreater(float(rss[0].split()[1]), 1 << 20)

    def test_openapi_lists_every_route(self):
        status, _, body = self.server.request("GET", "/openapi.json")
        self.assertEqual(status, 200)
        doc = json.loads(body)
        self.assertTrue(doc["openapi"].startswith("3."))
        for path in ["/health", "/metrics", "/openapi.json", "/v1/ping"]:
            self.assertIn("get", doc["paths"][path])
        self.assertIn("Error", doc["components"]["schemas"])

    def test_request_id_is_echoed_or_generated(self):
        _, headers, _ = self.server.request("GET", "/v1/ping", headers={"X-Request-Id": "abc-123"})
        self.assertEqual(headers["x-request-id"], "abc-123")
        _, h1, _ = self.server.request("GET", "/v1/ping")
        _, h2, _ = self.server.request("GET", "/v1/ping")
        self.assertTrue(h1["x-request-id"])
        self.assertNotEqual(h1["x-request-id"], h2["x-request-id"])
        # An unusable id (too long) is replaced, not echoed.
        _, h3, _ = self.server.request("GET", "/v1/ping", headers={"X-Request-Id": "x" * 500})
        self.assertNotEqual(h3["x-request-id"], "x" * 500)

    def test_errors_have_the_api_shape(self):
        status, headers, body = self.server.request("GET", "/v1/no-such-thing")
        self.assertEqual(status, 404)
        self.assertEqual(error_code(body), "not_found")
        self.assertIn("x-request-id", headers)
        status, headers, body = self.server.request("DELETE", "/health")
        self.assertEqual(status, 405)
        self.assertEqual(error_code(body), "method_not_allowed")
        self.assertIn("GET", headers["allow"])

    def test_head_has_length_but_no_body(self):
        status, headers, body = self.server.request("HEAD", "/v1/ping")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-length"], "13")
        self.assertEqual(body, b"")

    def test_access_log_is_json_with_the_request_id(self):
        self.server.request("GET", "/v1/ping", headers={"X-Request-Id": "log-me-1"})
        # The log is written by a background thread and flushed at least every second.
        def logged():
            return [l for l in self.server.lines()
                    if l.get("log") == "access" and l.get("request_id") == "log-me-1"]
        found = until(logged)
        self.assertTrue(found, self.server.output())
        line = found[0]
        self.assertEqual(line["status"], 200)
        self.assertEqual(line["route"], "/v1/ping")
        self.assertEqual(line["method"], "GET")
        self.assertIn("duration_ms", line)


class MetricsTokenAndCorsTest(ServerTestCase):
    server_sets = ("metrics.token=s3cret-metrics", "http.cors_origins=https://app.example")

    def test_metrics_need_their_token(self):
        for headers in ({}, {"Authorization": "Bearer wrong"},
                        {"Authorization": "Bearer s3cret-metrics2"}):
            status, answer, body = self.server.request("GET", "/metrics", headers=headers)
            self.assertEqual((status, error_code(body)), (401, "unauthorized"), headers)
        status, _, body = self.server.request(
            "GET", "/metrics", headers={"Authorization": "Bearer s3cret-metrics"})
        self.assertEqual(status, 200)
        self.assertIn(b"http_requests_total", body)
        self.assertEqual(self.server.request("GET", "/health")[0], 200)  # not /health

    def test_the_web_apps_origin_gets_cors_and_others_do_not(self):
        preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "PUT",
                     "Access-Control-Request-Headers": "authorization, if-match"}
        status, headers, _ = self.server.request("OPTIONS", "/v1/memories/x", headers=preflight)
        self.assertEqual(status, 204)
        self.assertEqual(headers["access-control-allow-origin"], "https://app.example")
        self.assertIn("PUT", headers["access-control-allow-methods"])
        self.assertIn("If-Match", headers["access-control-allow-headers"])
        self.assertNotIn("access-control-allow-credentials", headers)
        status, headers, _ = self.server.request(
            "GET", "/v1/me", headers={"Origin": "https://app.example"})
        self.assertEqual(status, 401)  # still the API's answer, now readable by the page
        self.assertEqual(headers["access-control-allow-origin"], "https://app.example")
        self.assertIn("ETag", headers["access-control-expose-headers"])
        self.assertEqual(headers["vary"], "Origin")
        for origin in ("https://evil.example", "https://app.example.evil.example", "null"):
            status, headers, _ = self.server.request(
                "OPTIONS", "/v1/me", headers={**preflight, "Origin": origin})
            self.assertNotIn("access-control-allow-origin", headers, origin)
            self.assertEqual(status, 405, origin)


class CommandLineTest(unittest.TestCase):
    def run_mindme(self, *args, env=None):
        return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30,
                              env={**os.environ, **(env or {})})

    def test_version_and_help(self):
        out = self.run_mindme("version")
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^mindme \d+\.\d+\.\d+")
        helped = self.run_mindme("--help")
        self.assertEqual(helped.returncode, 0)
        for word in ["serve", "worker", "files", "--config", "--listen", "--data", "--set"]:
            self.assertIn(word, helped.stdout)

    def test_unknown_key_is_refused_at_start(self):
        out = self.run_mindme("serve", "--set", "server.thread=2")
        self.assertEqual(out.returncode, 2)
        self.assertIn("unknown configuration key 'server.thread'", out.stderr)
        self.assertIn("server.threads", out.stderr)

    def test_bad_value_is_refused_at_start(self):
        out = self.run_mindme("serve", "--listen", "nonsense")
        self.assertEqual(out.returncode, 2)
        self.assertIn("server.listen", out.stderr)
        out = self.run_mindme("serve", env={"MINDME_SERVER__THREADS": "many"})
        self.assertEqual(out.returncode, 2)
        self.assertIn("MINDME_SERVER__THREADS", out.stderr)

    def test_precedence_file_env_set(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("server:\n  threads: 3\n  max_in_flight: 7\nlog:\n  level: warn\n")
        try:
            out = self.run_mindme("config", "show", "--config", f.name, "--set", "server.threads=5",
                                  env={"MINDME_SERVER__MAX_IN_FLIGHT": "9"})
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("server.threads: 5\n", out.stdout)
            self.assertIn("server.max_in_flight: 9\n", out.stdout)
            self.assertIn('log.level: "warn"\n', out.stdout)
        finally:
            os.unlink(f.name)

    def test_busy_port_is_a_clear_error(self):
        holder = socket.socket()
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        try:
            port = holder.getsockname()[1]
            with tempfile.TemporaryDirectory() as data:
                out = self.run_mindme("serve", "--data", data, "--listen", "127.0.0.1:%d" % port)
            self.assertEqual(out.returncode, 1)
            self.assertIn("cannot listen on 127.0.0.1:%d" % port, out.stderr)
        finally:
            holder.close()

    def test_migrate_applies_the_schema_once(self):
        with tempfile.TemporaryDirectory() as data:
            first = self.run_mindme("migrate", "--data", data)
            self.assertEqual(first.returncode, 0, first.stderr)
            match = re.search(r"schema migrated from version 0 to (\d+)", first.stdout)
            self.assertIsNotNone(match, first.stdout)
            self.assertTrue(os.path.exists(os.path.join(data, "mindme.db")))
            again = self.run_mindme("migrate", "--data", data)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn("schema is up to date at version " + match.group(1), again.stdout)

    def test_an_unmigrated_database_is_refused_when_migration_at_start_is_off(self):
        with tempfile.TemporaryDirectory() as data:
            out = self.run_mindme("serve", "--data", data, "--listen", "127.0.0.1:0",
                                  "--set", "store.migrate_on_start=false")
            self.assertEqual(out.returncode, 1)
            self.assertIn("run `mindme migrate`", out.stderr)

    def test_worker_and_files_serve_operations_routes(self):
        for role in ("worker", "files"):
            with Server(command=role) as s:
                status, _, _ = s.request("GET", "/health")
                self.assertEqual(status, 200)
                status, _, _ = s.request("GET", "/metrics")
                self.assertEqual(status, 200)
                roles = [l.get("role") for l in s.lines() if l.get("msg") == "listening"]
                self.assertEqual(roles, [role])


if __name__ == "__main__":
    unittest.main()
