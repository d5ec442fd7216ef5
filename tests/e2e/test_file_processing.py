"""File processing (API.md): thumbnails of real images, text of PDFs and text files in
search, and hostile files — a pixel bomb, a truncated PNG, a broken PDF, a zip bomb
named .png — each ending `failed` with a reason while the server carries on."""
import json
import struct
import unittest
from urllib.parse import quote

import sample_files
from mindme_server import ApiUser, ServerTestCase, until


def jpeg_size(data):
    """(width, height) from a JPEG's start-of-frame marker."""
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    raise ValueError("no frame")


class FileProcessingTest(ServerTestCase):
    # Polls until processing ends: a rate limit this test cannot reach.
    server_sets = ("queue.poll_ms=20", "guard.rate_limit.requests=100000000")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = ApiUser(cls.server, "processing@example.com")

    def upload(self, name, data):
        status, _, doc = self.user.call("POST", "/v1/files?name=" + quote(name), data,
                                        {"Content-Type": "application/octet-stream"})
        self.assertEqual(status, 202, doc)
        return doc["file"]["id"]

    def settled(self, file_id):
        """The file once processing has ended."""
        state = {}

        def done():
            _, _, doc = self.user.call("GET", "/v1/files/" + file_id)
            state.update(doc["file"])
            return doc["file"]["status"] in ("ready", "failed")
        self.assertTrue(until(done, seconds=60), state)
        return state

    def search(self, q):
        _, _, doc = self.user.call("GET", "/v1/search?q=" + quote(q))
        return [(h["kind"], h["id"]) for h in doc["hits"]]

    def test_an_image_gets_a_thumbnail(self):
        fid = self.upload("landscape.png", sample_files.png(600, 400))
        f = self.settled(fid)
        self.assertEqual((f["status"], f["derived"]["thumbnail"]), ("ready", True))
        status, headers, body = self.server.request(
            "GET", "/v1/files/%s/thumbnail" % fid,
            headers={"Authorization": "Bearer " + self.user.token})
        self.assertEqual((status, headers["content-type"]), (200, "image/jpeg"))
        self.assertEqual(jpeg_size(body), (256, 171))
        self.assertEqual(self.user.call("DELETE", "/v1/files/" + fid)[0], 204)
        status, _, _ = self.server.request(
            "GET", "/v1/files/%s/thumbnail" % fid,
            headers={"Authorization": "Bearer " + self.user.token})
        self.assertEqual(status, 404)

    def test_pdf_and_text_become_searchable(self):
        pdf = self.upload("zoo.pdf", sample_files.pdf("Notes about giraffes and okapis"))
        txt = self.upload("list.txt", "remember the flamingos\n".encode())
        self.assertEqual(self.settled(pdf)["status"], "ready")
        self.assertGreater(self.settled(pdf)["derived"]["text_chars"], 20)
        self.assertEqual(self.settled(txt)["derived"]["text_chars"], 23)
        self.assertTrue(until(lambda: self.search("giraffes") == [("file", pdf)]))
        self.assertTrue(until(lambda: self.search("flamingos") == [("file", txt)]))
        self.user.call("DELETE", "/v1/files/" + pdf)
        self.assertTrue(until(lambda: self.search("giraffes") == []))

    def test_hostile_files_fail_with_a_reason(self):
        cases = {
            "bomb.png": (sample_files.pixel_bomb_png(), "pixels"),
            "cut.png": (sample_files.truncated_png(), "damaged"),
            "broken.pdf": (sample_files.broken_pdf(), "not a readable PDF"),
            "archive.png": (sample_files.zip_bomb(), "not the image"),
        }
        ids = {name: self.upload(name, data) for name, (data, _) in cases.items()}
        for name, (_, reason) in cases.items():
            f = self.settled(ids[name])
            self.assertEqual(f["status"], "failed", name)
            self.assertIn(reason, f["error"], name)
            self.assertFalse(f["derived"]["thumbnail"])
        # The server is unharmed and still processes good files.
        self.assertEqual(self.server.request("GET", "/health")[0], 200)
        good = self.upload("after.png", sample_files.png(64, 64))
        self.assertEqual(self.settled(good)["status"], "ready")

    def test_other_types_are_kept_as_they_are(self):
        fid = self.upload("data.bin", bytes(range(256)) * 4)
        f = self.settled(fid)
        self.assertEqual((f["status"], f["derived"]), ("ready", {"thumbnail": False, "text_chars": 0}))


if __name__ == "__main__":
    unittest.main()
