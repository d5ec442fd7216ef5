"""Static hosting of the web app build (the S3 + CloudFront role)."""
import gzip
import os
import shutil
import tempfile
import unittest

from mindme_server import Server, error_code, read_response


class StaticTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="mindme-static-")
        cls.root = os.path.join(cls.base, "web")
        os.makedirs(os.path.join(cls.root, "assets"))
        cls.write("index.html", b"<!doctype html><title>MindMe</title>")
        cls.write("main.dart.js", b"x" * 5000)
        cls.write("main.dart.js.gz", gzip.compress(b"x" * 5000))
        cls.write("main.dart.js.br", b"pretend-brotli")
        cls.write("assets/logo.8f3a2b1c.png", b"\x89PNG fake")
        cls.write("canvaskit.wasm", b"\0asm")
        cls.write("health", b"a static file named like an API route")
        with open(os.path.join(cls.base, "secret.txt"), "wb") as f:
            f.write(b"top secret")
        os.symlink(os.path.join(cls.base, "secret.txt"), os.path.join(cls.root, "escape.txt"))
        cls.server = Server(static_dir=cls.root)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.base)

    @classmethod
    def write(cls, name, data):
        with open(os.path.join(cls.root, name), "wb") as f:
            f.write(data)

    def get(self, path, **headers):
        return self.server.request("GET", path, headers={k.replace("_", "-"): v
                                                          for k, v in headers.items()})

    def raw_get(self, path):
        s = self.server.raw()
        s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, body, _ = read_response(s)
        s.close()
        return status, headers, body

    def test_index_is_served_at_root_and_not_cached(self):
        status, headers, body = self.get("/")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"<!doctype html><title>MindMe</title>")
        self.assertEqual(headers["cache-control"], "no-cache")
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")

    def test_fingerprinted_assets_are_immutable(self):
        status, headers, _ = self.get("/assets/logo.8f3a2b1c.png")
        self.assertEqual(status, 200)
        self.assertEqual(headers["cache-control"], "public, max-age=31536000, immutable")
        self.assertEqual(headers["content-type"], "image/png")
        _, headers, _ = self.get("/canvaskit.wasm")
        self.assertEqual(headers["content-type"], "application/wasm")
        self.assertNotIn("immutable", headers["cache-control"])

    def test_etag_and_last_modified_revalidate_to_304(self):
        status, headers, _ = self.get("/main.dart.js")
        etag = headers["etag"]
        self.assertTrue(etag.startswith('"') and etag.endswith('"'))
        self.assertIn("last-modified", headers)
        status, headers304, body = self.get("/main.dart.js", If_None_Match=etag)
        self.assertEqual(status, 304)
        self.assertEqual(body, b"")
        self.assertEqual(headers304["etag"], etag)
        status, _, _ = self.get("/main.dart.js", If_Modified_Since=headers["last-modified"])
        self.assertEqual(status, 304)

    def test_range_requests(self):
        status, headers, body = self.get("/main.dart.js", Range="bytes=100-199")
        self.assertEqual(status, 206)
        self.assertEqual(headers["content-range"], "bytes 100-199/5000")
        self.assertEqual(body, b"x" * 100)
        status, headers, body = self.get("/main.dart.js", Range="bytes=9000-")
        self.assertEqual(status, 416)
        self.assertEqual(headers["content-range"], "bytes */5000")
        self.assertEqual(error_code(body), "range_not_satisfiable")

    def test_precompressed_siblings(self):
        _, headers, body = self.get("/main.dart.js", Accept_Encoding="gzip")
        self.assertEqual(headers["content-encoding"], "gzip")
        self.assertEqual(gzip.decompress(body), b"x" * 5000)
        self.assertEqual(headers["vary"], "Accept-Encoding")
        _, headers, body = self.get("/main.dart.js", Accept_Encoding="gzip, br")
        self.assertEqual(headers["content-encoding"], "br")
        self.assertEqual(body, b"pretend-brotli")
        _, headers, body = self.get("/main.dart.js")
        self.assertNotIn("content-encoding", headers)
        self.assertEqual(len(body), 5000)

    def test_spa_fallback_for_extensionless_paths(self):
        status, headers, body = self.get("/memories/abc")
        self.assertEqual(status, 200)
        self.assertIn(b"MindMe", body)
        status, _, body = self.get("/missing.js")
        self.assertEqual(status, 404)
        self.assertEqual(error_code(body), "not_found")

    def test_api_routes_win_over_files(self):
        status, headers, body = self.get("/health")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        status, _, body = self.get("/v1/unknown")
        self.assertEqual(status, 404)
        self.assertEqual(error_code(body), "not_found")

    def test_no_way_out_of_the_directory(self):
        for path in [b"/../secret.txt", b"/%2e%2e/secret.txt", b"/assets/%2E%2E/%2e%2e/secret.txt",
                     b"/assets/..%2f..%2fsecret.txt", b"/index.html%00.png", b"/escape.txt",
                     b"/%2fetc/passwd"]:
            status, _, body = self.raw_get(path)
            self.assertNotIn(b"top secret", body)
            self.assertNotIn(b"root:", body)
            if status == 200:  # an extension-less path inside the root: the app shell
                self.assertIn(b"MindMe", body, path)
            else:
                self.assertIn(status, (400, 404), path)
                error_code(body)

    def test_head_and_methods(self):
        status, headers, body = self.server.request("HEAD", "/main.dart.js")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-length"], "5000")
        self.assertEqual(body, b"")
        status, headers, body = self.server.request("PUT", "/main.dart.js", body=b"x")
        self.assertEqual(status, 405)


if __name__ == "__main__":
    unittest.main()
