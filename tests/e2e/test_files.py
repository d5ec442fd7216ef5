"""Files (API.md): uploads streamed and sniffed, listing, metadata, content with ETag
and Range, deletion, every error, and isolation between users."""
import hashlib
import http.client
import json
import os
import unittest

from mindme_server import ApiUser, ServerTestCase, error_code


class FilesTest(ServerTestCase):
    server_sets = ("files.max_bytes=300000",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ann = ApiUser(cls.server, "files-ann@example.com")
        cls.bob = ApiUser(cls.server, "files-bob@example.com")

    def upload(self, user, name, data, headers=None):
        status, answer_headers, doc = user.call(
            "POST", "/v1/files?name=" + name, data,
            {"Content-Type": "application/octet-stream", **(headers or {})})
        return status, answer_headers, doc

    def raw(self, user, path, headers=None):
        return self.server.request("GET", path,
                                   headers={"Authorization": "Bearer " + user.token,
                                            **(headers or {})})

    def test_upload_then_read_back_exactly(self):
        data = os.urandom(200000)
        status, headers, doc = self.upload(self.ann, "photo%20%C3%A9t%C3%A9.bin", data)
        self.assertEqual(status, 202, doc)
        f = doc["file"]
        self.assertEqual((f["name"], f["size"], f["status"]), ("photo été.bin", 200000, "pending"))
        self.assertEqual(f["sha256"], hashlib.sha256(data).hexdigest())
        self.assertEqual(f["derived"], {"thumbnail": False, "text_chars": 0})
        self.assertEqual(headers["location"], "/v1/files/" + f["id"])
        status, _, meta = self.ann.call("GET", "/v1/files/" + f["id"])
        self.assertEqual((status, meta["file"]), (200, f))
        status, headers, body = self.raw(self.ann, "/v1/files/%s/content" % f["id"])
        self.assertEqual((status, body), (200, data))
        self.assertEqual(headers["etag"], '"%s"' % f["sha256"])
        self.assertEqual(headers["x-content-type-options"], "nosniff")
        self.assertTrue(headers["content-disposition"].startswith("attachment;"))
        self.assertIn("filename*=UTF-8''photo%20%C3%A9t%C3%A9.bin", headers["content-disposition"])
        status, _, _ = self.raw(self.ann, "/v1/files/%s/content" % f["id"],
                                {"If-None-Match": headers["etag"]})
        self.assertEqual(status, 304)
        status, headers, part = self.raw(self.ann, "/v1/files/%s/content" % f["id"],
                                         {"Range": "bytes=1000-1999"})
        self.assertEqual((status, part, headers["content-range"]),
                         (206, data[1000:2000], "bytes 1000-1999/200000"))
        status, _, _ = self.raw(self.ann, "/v1/files/%s/content" % f["id"],
                                {"Range": "bytes=999999-"})
        self.assertEqual(status, 416)

    def test_the_type_comes_from_the_bytes(self):
        png = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0" + b"\0" * 64
        _, _, doc = self.upload(self.ann, "not-really.txt", png, {"Content-Type": "text/plain"})
        self.assertEqual(doc["file"]["content_type"], "image/png")
        _, _, doc = self.upload(self.ann, "notes.png", b"just some words\n")
        self.assertEqual(doc["file"]["content_type"], "text/plain")

    def test_chunked_uploads_and_the_limits(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        conn.putrequest("POST", "/v1/files?name=chunked.bin")
        conn.putheader("Authorization", "Bearer " + self.ann.token)
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for piece in (b"a" * 1000, b"b" * 5000):
            conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        conn.send(b"0\r\n\r\n")
        res = conn.getresponse()
        doc = json.loads(res.read())
        self.assertEqual((res.status, doc["file"]["size"]), (202, 6000))
        conn.close()
        status, _, doc = self.upload(self.ann, "big.bin", b"x" * 300001)
        self.assertEqual((status, doc["error"]["code"]), (413, "payload_too_large"))
        self.assertEqual(self.upload(self.ann, "edge.bin", b"x" * 300000)[0], 202)

    def test_bad_uploads(self):
        for name in ["", "a/b", "back%5Cslash", "tab%09name", "x" * 256]:
            status, _, doc = self.upload(self.ann, name, b"data")
            self.assertEqual(status, 422, name)
            self.assertIn("name", doc["error"]["message"])
        status, _, doc = self.upload(self.ann, "empty.txt", b"")
        self.assertEqual(status, 422)
        status, _, body = self.server.request("POST", "/v1/files?name=x", body=b"data")
        self.assertEqual((status, error_code(body)), (401, "unauthorized"))

    def test_listing_newest_first_in_pages(self):
        user = ApiUser(self.server, "files-lister@example.com")
        ids = [self.upload(user, "f%d" % i, b"file %d" % i)[2]["file"]["id"] for i in range(5)]
        seen, cursor = [], None
        for _ in range(10):
            _, _, page = user.call("GET", "/v1/files?limit=2" + ("&cursor=" + cursor if cursor else ""))
            seen += [f["id"] for f in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(sorted(seen), sorted(ids))
        self.assertEqual(len(seen), 5)
        self.assertEqual(user.call("GET", "/v1/files?limit=0")[0], 422)

    def test_delete_and_isolation(self):
        _, _, doc = self.upload(self.ann, "private.bin", b"secret bytes")
        fid = doc["file"]["id"]
        for path in ["/v1/files/" + fid, "/v1/files/%s/content" % fid, "/v1/files/%s/thumbnail" % fid]:
            self.assertEqual(self.raw(self.bob, path)[0], 404, path)
        self.assertEqual(self.bob.call("DELETE", "/v1/files/" + fid)[0], 404)
        self.assertEqual(self.raw(self.ann, "/v1/files/%s/thumbnail" % fid)[0], 404)  # not yet
        self.assertEqual(self.ann.call("DELETE", "/v1/files/" + fid)[0], 204)
        for path in ["/v1/files/" + fid, "/v1/files/%s/content" % fid]:
            self.assertEqual(self.raw(self.ann, path)[0], 404, path)
        self.assertEqual(self.ann.call("DELETE", "/v1/files/" + fid)[0], 404)

    def test_openapi_documents_the_file_routes(self):
        _, _, body = self.server.request("GET", "/openapi.json")
        paths = json.loads(body)["paths"]
        self.assertEqual(set(paths["/v1/files"]), {"get", "post"})
        self.assertEqual(set(paths["/v1/files/{id}"]), {"get", "delete"})
        self.assertIn("get", paths["/v1/files/{id}/content"])
        self.assertIn("get", paths["/v1/files/{id}/thumbnail"])


if __name__ == "__main__":
    unittest.main()
